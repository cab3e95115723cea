package io.ctstream.streams.helper.channel;

import static io.ctstream.streams.helper.LabReplay.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.ExpectedTuple;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.HelperOutcome.ExpectationEviction;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import io.ctstream.streams.helper.HelperOutcome.KernelWouldDrop;
import io.ctstream.streams.helper.HelperOutcome.Refusal;
import io.ctstream.streams.helper.HelperSegment;
import io.ctstream.streams.helper.LabCapture;
import io.ctstream.streams.helper.LabReplay;
import io.ctstream.streams.helper.Session;
import io.ctstream.streams.helper.ftp.FtpHelper;
import io.ctstream.streams.helper.irc.IrcHelper;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Each kernel quirk of the lab README (section "Kernel behaviour and quirks observed"), in KERNEL
 * mode (the kernel's verdict) and in ROBUST mode (what ctstream does instead), with the difference
 * in the test name.
 */
class KernelQuirksTest {

    /** PORT 10,77,1,2,156,174 = port 40110 on the client. */
    static final ExpectedTuple ACTIVE_40110 =
            ExpectedTuple.tcp(
                    Addresses.parse(Session.SERVER), Addresses.parse(Session.CLIENT), 40110);

    @Nested
    class FtpSplit {
        @Test
        void kernelDropsTheFirstHalfAsPartialMatchOfPortAndExpectsNothing() {
            Session s = Session.ftpLoggedIn(HelperMode.KERNEL);
            List<HelperOutcome> first = s.client("PORT 10,77,1,2,156,");
            assertThat(only(first, KernelWouldDrop.class))
                    .singleElement()
                    .satisfies(
                            d -> assertThat(d.message()).isEqualTo("partial matching of `PORT'"));
            // the second half does not follow a newline: ignored, not dropped
            assertThat(s.client("174\r\n")).as("kernel ignores '174\\r\\n'").isEmpty();
        }

        @Test
        void kernelDropsEveryRetransmissionOfTheFirstHalf() {
            Session s = Session.ftpLoggedIn(HelperMode.KERNEL);
            long seq = s.clientSeq();
            s.client("PORT 10,77,1,2,156,");
            for (int i = 0; i < 6; i++) {
                assertThat(only(s.clientAt(seq, "PORT 10,77,1,2,156,"), KernelWouldDrop.class))
                        .hasSize(1);
            }
            assertThat(s.state().kernelDrops()).isEqualTo(7);
        }

        @Test
        void robustReassemblesTheSplitPortAndExpectsWhatTheClientMeant() {
            Session s = Session.ftpLoggedIn(HelperMode.ROBUST);
            assertThat(s.client("PORT 10,77,1,2,156,")).isEmpty();
            List<HelperOutcome> out = s.client("174\r\n");
            assertThat(only(out, ExpectationRequest.class))
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.expected()).isEqualTo(ACTIVE_40110);
                                assertThat(r.direction()).isEqualTo(Direction.ORIGINAL);
                                assertThat(r.timeoutSeconds()).isEqualTo(300);
                                assertThat(r.mode()).isEqualTo(HelperMode.ROBUST);
                                assertThat(r.evidence()).isEqualTo("PORT 10,77,1,2,156,174");
                            });
            assertThat(only(out, KernelWouldDrop.class))
                    .as("robust mode never flags drops")
                    .isEmpty();
        }

        @Test
        void onTheLabCaptureKernelFlagsSevenDropsLikeTheKernelLogAndRobustExpectsPort40110() {
            List<HelperOutcome> kernel =
                    LabReplay.run(
                            "ftp-split", HelperConfig.builder().mode(HelperMode.KERNEL).build());
            int kernelLogged = LabCapture.summary("ftp-split").get("helper_log").size();
            assertThat(only(kernel, KernelWouldDrop.class))
                    .hasSize(kernelLogged)
                    .hasSize(7)
                    .allSatisfy(
                            d -> assertThat(d.message()).isEqualTo("partial matching of `PORT'"));
            assertThat(only(kernel, ExpectationRequest.class)).isEmpty();

            List<HelperOutcome> robust = LabReplay.run("ftp-split", HelperConfig.defaults());
            assertThat(only(robust, ExpectationRequest.class))
                    .singleElement()
                    .satisfies(r -> assertThat(r.expected().dstPort()).isEqualTo(156 * 256 + 174));
        }
    }

    @Nested
    class FtpSplitVerb {
        @Test
        void kernelDropsPoAsPartialMatchOfPort() {
            Session s = Session.ftpLoggedIn(HelperMode.KERNEL);
            assertThat(only(s.client("PO"), KernelWouldDrop.class))
                    .singleElement()
                    .satisfies(
                            d -> assertThat(d.message()).isEqualTo("partial matching of `PORT'"));
            assertThat(s.client("RT 10,77,1,2,156,174\r\n")).isEmpty();
        }

        @Test
        void robustJoinsTheVerbAndExpects() {
            Session s = Session.ftpLoggedIn(HelperMode.ROBUST);
            assertThat(s.client("PO")).isEmpty();
            assertThat(only(s.client("RT 10,77,1,2,156,174\r\n"), ExpectationRequest.class))
                    .singleElement()
                    .satisfies(r -> assertThat(r.expected()).isEqualTo(ACTIVE_40110));
        }
    }

    @Nested
    class FtpPipelined {
        @Test
        void kernelParsesOnlyTheFirstCommandOfTheSegmentNoExpectationNoDrop() {
            Session s = Session.ftpLoggedIn(HelperMode.KERNEL);
            assertThat(s.client("NOOP\r\nPORT 10,77,1,2,156,174\r\n")).isEmpty();
        }

        @Test
        void robustSeesBothCommandsAndExpectsThePort() {
            Session s = Session.ftpLoggedIn(HelperMode.ROBUST);
            assertThat(
                            only(
                                    s.client("NOOP\r\nPORT 10,77,1,2,156,174\r\n"),
                                    ExpectationRequest.class))
                    .singleElement()
                    .satisfies(r -> assertThat(r.expected()).isEqualTo(ACTIVE_40110));
        }
    }

    @Nested
    class FtpPasvTwice {
        void secondPasvEvictsTheFirst(HelperMode mode) {
            Session s = Session.ftpLoggedIn(mode);
            s.client("PASV\r\n");
            ExpectationRequest first =
                    only(
                                    s.server("227 Entering Passive Mode (10,77,2,2,245,154).\r\n"),
                                    ExpectationRequest.class)
                            .get(0);
            s.client("PASV\r\n");
            List<HelperOutcome> out = s.server("227 Entering Passive Mode (10,77,2,2,228,68).\r\n");
            assertThat(out).hasSize(2);
            assertThat(out.get(0))
                    .as("the eviction comes before the new expectation, as the kernel's DESTROY")
                    .isInstanceOfSatisfying(
                            ExpectationEviction.class,
                            e -> {
                                assertThat(e.evictedExpectationId())
                                        .isEqualTo(first.expectationId());
                                assertThat(e.reason()).isEqualTo("max-expected");
                            });
            assertThat(out.get(1))
                    .isInstanceOfSatisfying(
                            ExpectationRequest.class,
                            r -> {
                                assertThat(r.expected())
                                        .isEqualTo(
                                                ExpectedTuple.tcp(
                                                        Addresses.parse(Session.CLIENT),
                                                        Addresses.parse(Session.SERVER),
                                                        228 * 256 + 68));
                                assertThat(r.direction()).isEqualTo(Direction.REPLY);
                            });
            assertThat(first.expected().dstPort()).isEqualTo(245 * 256 + 154);
            assertThat(s.state().liveExpectations())
                    .containsExactly(((ExpectationRequest) out.get(1)).expectationId());
        }

        @Test
        void kernelEvictsTheFirstExpectation() {
            secondPasvEvictsTheFirst(HelperMode.KERNEL);
        }

        @Test
        void robustEvictsTheFirstExpectationTooNoDifference() {
            secondPasvEvictsTheFirst(HelperMode.ROBUST);
        }

        @Test
        void noEvictionWhenTheFirstWasFulfilledMeanwhile() {
            Session s = Session.ftpLoggedIn(HelperMode.ROBUST);
            s.client("PASV\r\n");
            ExpectationRequest first =
                    only(
                                    s.server("227 Entering Passive Mode (10,77,2,2,245,154).\r\n"),
                                    ExpectationRequest.class)
                            .get(0);
            ControlChannelState state = s.state();
            ControlChannelAnalyzer analyzer = new ControlChannelAnalyzer(HelperConfig.defaults());
            assertThat(analyzer.onExpectationClosed(state, first.expectationId())).isTrue();
            assertThat(state.liveExpectations()).isEmpty();
        }
    }

    @Nested
    class FtpBounce {
        void bounceIsRefusedWithAlert(HelperMode mode) {
            Session s = Session.ftpLoggedIn(mode);
            List<HelperOutcome> port = s.client("PORT 10,77,1,99,156,164\r\n");
            s.server("200 PORT command successful.\r\n");
            List<HelperOutcome> eprt = s.client("EPRT |1|10.77.1.99|40101|\r\n");
            assertThat(only(port, ExpectationRequest.class)).isEmpty();
            assertThat(only(eprt, ExpectationRequest.class)).isEmpty();
            assertThat(only(port, Refusal.class))
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.alertType()).isEqualTo(FtpHelper.FTP_BOUNCE);
                                assertThat(r.reason()).isEqualTo("address-mismatch");
                                assertThat(r.evidence()).startsWith("PORT 10,77,1,99,156,164");
                                assertThat(r.message())
                                        .isEqualTo(
                                                "PORT announces 10.77.1.99 but the sender is 10.77.1.2");
                                assertThat(r.announced().dst())
                                        .isEqualTo(Addresses.parse("10.77.1.99"));
                            });
            assertThat(only(eprt, Refusal.class))
                    .singleElement()
                    .satisfies(r -> assertThat(r.alertType()).isEqualTo(FtpHelper.FTP_BOUNCE));
            assertThat(only(port, KernelWouldDrop.class))
                    .as("the kernel accepts the packet, it only expects nothing")
                    .isEmpty();
        }

        @Test
        void kernelCreatesNothingAndWeAlertFtpBounce() {
            bounceIsRefusedWithAlert(HelperMode.KERNEL);
        }

        @Test
        void robustCreatesNothingAndAlertsFtpBounceNoDifference() {
            bounceIsRefusedWithAlert(HelperMode.ROBUST);
        }

        @Test
        void looseExpectsTheAnnouncedThirdParty() {
            Session s =
                    new Session(
                            HelperConfig.builder()
                                    .policy(
                                            FtpHelper.NAME,
                                            FtpHelper.DEFAULT_POLICY.toBuilder()
                                                    .loose(true)
                                                    .build())
                                    .build(),
                            21,
                            1,
                            1);
            s.server("220 hi\r\n");
            assertThat(only(s.client("PORT 10,77,1,99,156,164\r\n"), ExpectationRequest.class))
                    .singleElement()
                    .satisfies(
                            r ->
                                    assertThat(r.expected().dst())
                                            .isEqualTo(Addresses.parse("10.77.1.99")));
        }

        @Test
        void onTheLabCaptureBothModesRefuseTwiceWithFtpBounce() {
            for (HelperMode mode : HelperMode.values()) {
                List<HelperOutcome> out =
                        LabReplay.run("ftp-bounce", HelperConfig.builder().mode(mode).build());
                assertThat(only(out, ExpectationRequest.class)).as("%s", mode).isEmpty();
                assertThat(only(out, Refusal.class))
                        .as("%s", mode)
                        .hasSize(2)
                        .allSatisfy(r -> assertThat(r.alertType()).isEqualTo(FtpHelper.FTP_BOUNCE));
            }
        }
    }

    @Nested
    class IrcDccForged {
        void forgedIsRefused(HelperMode mode) {
            Session s = Session.ircRegistered(mode);
            // 10.77.1.99 = 172818787
            List<HelperOutcome> out =
                    s.client(
                            "PRIVMSG bob :\u0001DCC SEND data2.bin 172818787 40003 6000\u0001\r\n");
            assertThat(only(out, ExpectationRequest.class)).isEmpty();
            assertThat(only(out, Refusal.class))
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.alertType()).isEqualTo(IrcHelper.FORGED_DCC);
                                assertThat(r.message())
                                        .isEqualTo(
                                                "Forged DCC command from 10.77.1.2: 10.77.1.99:40003");
                                assertThat(r.evidence())
                                        .contains("DCC SEND data2.bin 172818787 40003");
                            });
        }

        @Test
        void kernelRefusesWithTheKernelsForgedMessage() {
            forgedIsRefused(HelperMode.KERNEL);
        }

        @Test
        void robustRefusesTheSameNoDifference() {
            forgedIsRefused(HelperMode.ROBUST);
        }

        @Test
        void onTheLabCaptureTheMessageEqualsTheKernelLog() {
            String kernelLog =
                    LabCapture.summary("irc-dcc-forged").get("kernel_log").get(0).asText();
            for (HelperMode mode : HelperMode.values()) {
                List<HelperOutcome> out =
                        LabReplay.run("irc-dcc-forged", HelperConfig.builder().mode(mode).build());
                assertThat(only(out, Refusal.class))
                        .singleElement()
                        .satisfies(
                                r ->
                                        assertThat(kernelLog)
                                                .endsWith("nf_conntrack_irc: " + r.message()));
            }
        }
    }

    @Nested
    class IrcDccQuoted {
        static final String QUOTED =
                "PRIVMSG bob :\u0001DCC SEND \"file name with spaces.bin\" 172818690 40004 6000\u0001\r\n";

        @Test
        void kernelSkipsToTheFirstSpaceReadsIp0Port0AndReportsForged() {
            List<HelperOutcome> out = Session.ircRegistered(HelperMode.KERNEL).client(QUOTED);
            assertThat(only(out, ExpectationRequest.class)).isEmpty();
            assertThat(only(out, Refusal.class))
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.alertType()).isEqualTo(IrcHelper.FORGED_DCC);
                                assertThat(r.message())
                                        .isEqualTo("Forged DCC command from 10.77.1.2: 0.0.0.0:0");
                            });
        }

        @Test
        void robustReadsTheQuotedFilenameAndExpects() {
            List<HelperOutcome> out = Session.ircRegistered(HelperMode.ROBUST).client(QUOTED);
            assertThat(only(out, Refusal.class)).isEmpty();
            assertThat(only(out, ExpectationRequest.class))
                    .singleElement()
                    .satisfies(
                            r -> {
                                assertThat(r.expected())
                                        .isEqualTo(
                                                ExpectedTuple.tcp(
                                                        null,
                                                        Addresses.parse(Session.CLIENT),
                                                        40004));
                                assertThat(r.expected().src())
                                        .as("IRC wildcards the source address")
                                        .isNull();
                                assertThat(r.direction()).isEqualTo(Direction.ORIGINAL);
                                assertThat(r.command()).isEqualTo("DCC SEND");
                            });
        }
    }

    @Nested
    class IrcDccSplit {
        static final String FIRST = "PRIVMSG bob :\u0001DCC SEND data2.bin 1728";
        static final String SECOND = "18690 40005 6000\u0001\r\n";

        @Test
        void kernelMissesItSilentlyNoDropNoAlert() {
            Session s = Session.ircRegistered(HelperMode.KERNEL);
            assertThat(s.client(FIRST)).isEmpty();
            assertThat(s.client(SECOND)).isEmpty();
            assertThat(s.state().kernelDrops()).isZero();
        }

        @Test
        void robustReassemblesAndExpects() {
            Session s = Session.ircRegistered(HelperMode.ROBUST);
            assertThat(s.client(FIRST)).isEmpty();
            assertThat(only(s.client(SECOND), ExpectationRequest.class))
                    .singleElement()
                    .satisfies(r -> assertThat(r.expected().dstPort()).isEqualTo(40005));
        }
    }

    @Nested
    class Established {
        @Test
        void kernelIgnoresClientDataBeforeAnyReplyPacket() {
            // a context whose handshake reply was never fed: the kernel's ctinfo is not ESTABLISHED
            // yet
            HelperConfig config = HelperConfig.builder().mode(HelperMode.KERNEL).build();
            ControlChannelAnalyzer a = new ControlChannelAnalyzer(config);
            Session template = Session.irc(HelperMode.KERNEL);
            ControlChannelState st = a.newState(template.context());
            List<HelperOutcome> out =
                    a.onSegment(
                            st,
                            Direction.ORIGINAL,
                            HelperSegment.of(
                                    1,
                                    0x18,
                                    "PRIVMSG bob :\u0001DCC SEND x 172818690 40001 1\u0001\r\n"
                                            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1),
                                    1),
                            template.context());
            assertThat(out).isEmpty();
        }

        @Test
        void kernelNeverSearchesTheFirstSegmentOfADirection() {
            Session s = Session.ftp(HelperMode.KERNEL);
            s.server("220 hi\r\n");
            assertThat(s.client("PORT 10,77,1,2,156,174\r\n"))
                    .as("no newline seen before it")
                    .isEmpty();
            assertThat(only(s.client("PORT 10,77,1,2,156,174\r\n"), ExpectationRequest.class))
                    .hasSize(1);
        }

        @Test
        void robustParsesTheFirstSegmentToo() {
            Session s = Session.ftp(HelperMode.ROBUST);
            s.server("220 hi\r\n");
            assertThat(only(s.client("PORT 10,77,1,2,156,174\r\n"), ExpectationRequest.class))
                    .hasSize(1);
        }
    }

    /**
     * Issue 17, item 5: a retransmitted control segment. The kernel searches it again (its sequence
     * number is still one of seq_aft_nl's) and finds the same command; kernel mode reports that
     * command once: one expectation, one refusal, one alert. A partial command is dropped, and
     * logged, on every copy (above).
     */
    @Nested
    class Retransmission {
        @Test
        void aRetransmittedPortIsOneExpectation() {
            Session s = Session.ftpLoggedIn(HelperMode.KERNEL);
            long seq = s.clientSeq();
            assertThat(only(s.client("PORT 10,77,1,2,156,174\r\n"), ExpectationRequest.class))
                    .hasSize(1);
            for (int i = 0; i < 2; i++) {
                assertThat(s.clientAt(seq, "PORT 10,77,1,2,156,174\r\n"))
                        .as("copy %d", i + 1)
                        .isEmpty();
            }
            assertThat(s.state().expectationRequests()).isEqualTo(1);
            // the stream goes on: the next command is searched
            s.server("200 PORT command successful.\r\n");
            assertThat(only(s.client("PORT 10,77,1,2,156,175\r\n"), ExpectationRequest.class))
                    .hasSize(1);
        }

        @Test
        void aRetransmittedBounceIsOneRefusalAndOneAlert() {
            Session s = Session.ftpLoggedIn(HelperMode.KERNEL);
            long seq = s.clientSeq();
            List<HelperOutcome> first = s.client("PORT 10,77,1,99,156,174\r\n");
            assertThat(only(first, Refusal.class))
                    .singleElement()
                    .satisfies(
                            r ->
                                    assertThat(ControlChannelAnalyzer.alertType(r))
                                            .isEqualTo(FtpHelper.FTP_BOUNCE));
            for (int i = 0; i < 2; i++) {
                assertThat(s.clientAt(seq, "PORT 10,77,1,99,156,174\r\n"))
                        .as("copy %d", i + 1)
                        .isEmpty();
            }
            assertThat(s.state().refusals()).isEqualTo(1);
        }

        @Test
        void aRetransmittedPartialPortIsDroppedEachTimeAndTheFullCommandLaterIsSearched() {
            Session s = Session.ftpLoggedIn(HelperMode.KERNEL);
            long seq = s.clientSeq();
            assertThat(only(s.client("PORT 10,77,1,2,156,"), KernelWouldDrop.class)).hasSize(1);
            // the client gives up splitting: the whole command at the same sequence number
            assertThat(
                            only(
                                    s.clientAt(seq, "PORT 10,77,1,2,156,174\r\n"),
                                    ExpectationRequest.class))
                    .hasSize(1);
        }
    }
}
