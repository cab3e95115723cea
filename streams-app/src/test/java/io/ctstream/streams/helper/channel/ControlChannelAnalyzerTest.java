package io.ctstream.streams.helper.channel;

import static io.ctstream.streams.helper.LabReplay.only;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.AlertTypes;
import io.ctstream.streams.helper.ConnTuple;
import io.ctstream.streams.helper.ConntrackHelper;
import io.ctstream.streams.helper.ExpectedTuple;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperContext;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.HelperOutcome.ExpectationEviction;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import io.ctstream.streams.helper.HelperOutcome.LineOverflow;
import io.ctstream.streams.helper.HelperOutcome.Refusal;
import io.ctstream.streams.helper.HelperOutcome.StreamGap;
import io.ctstream.streams.helper.HelperSegment;
import io.ctstream.streams.helper.LabReplay;
import io.ctstream.streams.helper.Session;
import io.ctstream.streams.helper.ftp.FtpHelper;
import io.ctstream.streams.helper.irc.IrcHelper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ControlChannelAnalyzerTest {

    static final String SESSION =
            "USER a\r\nPASS b\r\nTYPE I\r\nPORT 10,77,1,2,156,174\r\nLIST\r\nQUIT\r\n";

    @Test
    void robustFindsThePortWhateverTheSegmentationAtEverySplitPoint() {
        byte[] b = SESSION.getBytes(StandardCharsets.US_ASCII);
        for (int i = 1; i < b.length; i++) {
            for (int j = i; j < b.length; j += 3) {
                Session s = Session.ftp(HelperMode.ROBUST);
                s.server("220 hi\r\n");
                List<HelperOutcome> out = new ArrayList<>();
                out.addAll(s.client(SESSION.substring(0, i)));
                out.addAll(s.client(SESSION.substring(i, j)));
                out.addAll(s.client(SESSION.substring(j)));
                assertThat(only(out, ExpectationRequest.class))
                        .as("splits %d %d", i, j)
                        .singleElement()
                        .satisfies(r -> assertThat(r.expected().dstPort()).isEqualTo(40110));
                assertThat(out).hasSize(1);
            }
        }
    }

    @Test
    void robustReassemblesOutOfOrderAndRetransmittedSegments() {
        Session s = Session.ftp(HelperMode.ROBUST);
        s.server("220 hi\r\n");
        long base = s.clientSeq();
        String cmd = "PORT 10,77,1,2,156,174\r\n";
        assertThat(s.clientAt(base + 10, cmd.substring(10))).isEmpty();
        assertThat(s.clientAt(base + 5, cmd.substring(5, 12))).isEmpty();
        List<HelperOutcome> out = s.clientAt(base, cmd.substring(0, 6));
        assertThat(only(out, ExpectationRequest.class)).hasSize(1);
        assertThat(s.clientAt(base, cmd))
                .as("a full retransmission is not a second command")
                .isEmpty();
        assertThat(s.state().stream(Direction.ORIGINAL).retransmittedBytes()).isGreaterThan(0);
    }

    @Test
    void overlongLineIsReportedAndTheNextCommandStillWorks() {
        Session s = Session.ftp(HelperMode.ROBUST);
        s.server("220 hi\r\n");
        List<HelperOutcome> out =
                s.client("SITE " + "A".repeat(5000) + "\r\n", "PORT 10,77,1,2,156,174\r\n");
        assertThat(only(out, LineOverflow.class))
                .singleElement()
                .satisfies(
                        o -> {
                            assertThat(o.limitBytes()).isEqualTo(4096);
                            assertThat(o.evidence()).startsWith("SITE AAAA");
                            assertThat(ControlChannelAnalyzer.alertType(o))
                                    .isEqualTo(AlertTypes.LINE_OVERFLOW);
                        });
        assertThat(only(out, ExpectationRequest.class)).hasSize(1);
    }

    @Test
    void overlongPortLineIsNotParsedFromItsPrefix() {
        Session s = Session.ftp(HelperMode.ROBUST);
        s.server("220 hi\r\n");
        List<HelperOutcome> out = s.client("PORT 10,77,1,2,156,174" + " ".repeat(5000) + "\r\n");
        assertThat(only(out, ExpectationRequest.class)).isEmpty();
        assertThat(only(out, LineOverflow.class)).hasSize(1);
    }

    @Test
    void aLostSegmentBecomesAGapAfterTheWindowOverflowsAndTrackingResumes() {
        // contiguous out-of-order segments coalesce, so the byte bound is the one that overflows
        // here
        HelperConfig config = HelperConfig.builder().reassemblyWindowBytes(16).build();
        Session s = new Session(config, 21, 1000, 5000);
        s.server("220 hi\r\n");
        long base = s.clientSeq();
        // "USER a\r\n" (8 bytes) is never captured; three later commands arrive
        List<HelperOutcome> out = new ArrayList<>();
        out.addAll(s.clientAt(base + 8, "NOOP\r\n"));
        out.addAll(s.clientAt(base + 14, "NOOP\r\n"));
        out.addAll(s.clientAt(base + 20, "PORT 10,77,1,2,156,174\r\n"));
        assertThat(only(out, StreamGap.class))
                .singleElement()
                .satisfies(g -> assertThat(g.lengthBytes()).isEqualTo(8));
        // the first NOOP after the gap is discarded for resync; PORT is found
        assertThat(only(out, ExpectationRequest.class)).hasSize(1);
    }

    @Test
    void malformedPortIsRefusedWithItsReasonAndNoAlert() {
        Session s = Session.ftp(HelperMode.ROBUST);
        s.server("220 hi\r\n");
        assertThat(only(s.client("PORT 10,77,1,2,300,174\r\n"), Refusal.class))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.reason()).isEqualTo("number-out-of-range");
                            assertThat(r.alertType()).isNull();
                            assertThat(r.command()).isEqualTo("PORT");
                        });
    }

    @Test
    void robustMultiLine227CreatesOneExpectationWhenTheReplyEnds() {
        Session s = Session.ftp(HelperMode.ROBUST);
        s.server("220 hi\r\n");
        s.client("PASV\r\n");
        assertThat(s.server("227-Entering Passive Mode (10,77,2,2,245,154)\r\n")).isEmpty();
        assertThat(only(s.server("227 OK\r\n"), ExpectationRequest.class))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.direction()).isEqualTo(Direction.REPLY);
                            assertThat(r.expected())
                                    .isEqualTo(
                                            ExpectedTuple.tcp(
                                                    Addresses.parse(Session.CLIENT),
                                                    Addresses.parse(Session.SERVER),
                                                    62874));
                        });
    }

    @ParameterizedTest
    @EnumSource(HelperMode.class)
    void epsvExpectsTheServersOwnAddress(HelperMode mode) {
        Session s = Session.ftpLoggedIn(mode);
        s.client("EPSV\r\n");
        assertThat(
                        only(
                                s.server("229 Entering Extended Passive Mode (|||6446|)\r\n"),
                                ExpectationRequest.class))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.expected())
                                    .isEqualTo(
                                            ExpectedTuple.tcp(
                                                    Addresses.parse(Session.CLIENT),
                                                    Addresses.parse(Session.SERVER),
                                                    6446));
                            assertThat(r.expected().srcPort())
                                    .as("FTP wildcards the source port")
                                    .isNull();
                            assertThat(r.command()).isEqualTo("229");
                        });
    }

    @ParameterizedTest
    @EnumSource(HelperMode.class)
    void pasvAnnouncingAnotherAddressIsRefusedAsTheKernelDoes(HelperMode mode) {
        Session s = Session.ftpLoggedIn(mode);
        s.client("PASV\r\n");
        assertThat(
                        only(
                                s.server("227 Entering Passive Mode (10,77,2,9,245,154).\r\n"),
                                Refusal.class))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.alertType()).isEqualTo(FtpHelper.FTP_BOUNCE);
                            assertThat(r.message())
                                    .isEqualTo(
                                            "227 announces 10.77.2.9 but the sender is 10.77.2.2");
                        });
    }

    @Test
    void kernelRetransmissionOfAnAnnouncingSegmentIsNotReportedAgain() {
        // the kernel re-creates the identical expectation (replacing the live one); ctstream keeps
        // the one it has
        Session s = Session.ftpLoggedIn(HelperMode.KERNEL);
        long seq = s.clientSeq();
        assertThat(only(s.client("PORT 10,77,1,2,156,174\r\n"), ExpectationRequest.class))
                .hasSize(1);
        assertThat(s.clientAt(seq, "PORT 10,77,1,2,156,174\r\n")).isEmpty();
        assertThat(s.state().liveExpectations()).hasSize(1);
    }

    @Test
    void ircMaxDccChannelsEvictsTheOldestOfTheMaster() {
        HelperConfig config =
                HelperConfig.builder()
                        .policy(
                                IrcHelper.NAME,
                                IrcHelper.DEFAULT_POLICY.toBuilder().maxExpected(2).build())
                        .build();
        Session s = new Session(config, 6667, 1, 1);
        s.server(":irc 001 alice :hi\r\n");
        List<HelperOutcome> out = new ArrayList<>();
        for (int port = 40001; port <= 40003; port++) {
            out.addAll(
                    s.client(
                            "PRIVMSG bob :\u0001DCC SEND f "
                                    + 172818690
                                    + " "
                                    + port
                                    + " 1\u0001\r\n"));
        }
        List<ExpectationRequest> reqs = only(out, ExpectationRequest.class);
        assertThat(reqs).hasSize(3);
        assertThat(only(out, ExpectationEviction.class))
                .singleElement()
                .satisfies(
                        e -> {
                            assertThat(e.evictedExpectationId())
                                    .isEqualTo(reqs.get(0).expectationId());
                            assertThat(e.reason()).isEqualTo("max-expected");
                        });
    }

    @Test
    void ircDefaultsToEightDccChannels() {
        Session s = Session.ircRegistered(HelperMode.ROBUST);
        List<HelperOutcome> out = new ArrayList<>();
        for (int port = 40001; port <= 40009; port++) {
            out.addAll(
                    s.client("PRIVMSG bob :\u0001DCC CHAT chat 172818690 " + port + "\u0001\r\n"));
        }
        assertThat(only(out, ExpectationEviction.class)).hasSize(1);
        assertThat(s.state().liveExpectations()).hasSize(8);
    }

    @Test
    void sameTupleAnnouncedTwiceReplacesTheOlderExpectation() {
        Session s = Session.ircRegistered(HelperMode.ROBUST);
        String offer = "PRIVMSG bob :\u0001DCC SEND f 172818690 40001 1\u0001\r\n";
        s.client(offer);
        assertThat(only(s.client(offer), ExpectationEviction.class))
                .singleElement()
                .satisfies(e -> assertThat(e.reason()).isEqualTo("replaced"));
    }

    @Test
    void expiredExpectationsNoLongerCountAgainstTheLimit() {
        ControlChannelAnalyzer a =
                new ControlChannelAnalyzer(
                        HelperConfig.builder()
                                .policy(
                                        FtpHelper.NAME,
                                        FtpHelper.DEFAULT_POLICY.toBuilder()
                                                .timeoutSeconds(1)
                                                .build())
                                .build());
        HelperContext ctx =
                HelperContext.of(
                        "m",
                        ConnTuple.tcp(
                                Addresses.parse(Session.CLIENT),
                                40000,
                                Addresses.parse(Session.SERVER),
                                21));
        ControlChannelState st = a.newState(ctx);
        a.onSegment(st, Direction.ORIGINAL, HelperSegment.of(100, 2, new byte[0], 0), ctx);
        a.onSegment(st, Direction.REPLY, HelperSegment.of(500, 0x12, new byte[0], 0), ctx);
        a.onSegment(
                st,
                Direction.ORIGINAL,
                HelperSegment.of(101, 0x18, "PORT 10,77,1,2,156,174\r\n".getBytes(), 1_000_000),
                ctx);
        List<HelperOutcome> later =
                a.onSegment(
                        st,
                        Direction.ORIGINAL,
                        HelperSegment.of(
                                125, 0x18, "PORT 10,77,1,2,156,175\r\n".getBytes(), 3_000_000),
                        ctx);
        assertThat(only(later, ExpectationEviction.class))
                .as("the first one expired at 2 s")
                .isEmpty();
        assertThat(only(later, ExpectationRequest.class))
                .singleElement()
                .satisfies(r -> assertThat(r.expiresAtMicros()).isEqualTo(4_000_000));
    }

    @Test
    void helperPortsAreConfigurable() {
        HelperConfig config =
                HelperConfig.builder()
                        .policy(
                                FtpHelper.NAME,
                                FtpHelper.DEFAULT_POLICY.toBuilder().ports(Set.of(2121)).build())
                        .policy(
                                IrcHelper.NAME,
                                IrcHelper.DEFAULT_POLICY.toBuilder().ports(Set.of(6697)).build())
                        .build();
        ControlChannelAnalyzer a = new ControlChannelAnalyzer(config);
        ConnTuple ftp =
                ConnTuple.tcp(
                        Addresses.parse(Session.CLIENT),
                        40000,
                        Addresses.parse(Session.SERVER),
                        2121);
        assertThat(a.helperFor(ftp)).map(ConntrackHelper::name).contains("ftp");
        assertThat(
                        a.helperFor(
                                ConnTuple.tcp(
                                        Addresses.parse(Session.CLIENT),
                                        40000,
                                        Addresses.parse(Session.SERVER),
                                        21)))
                .isEmpty();
        assertThat(
                        a.helperFor(
                                ConnTuple.tcp(
                                        Addresses.parse(Session.CLIENT),
                                        40000,
                                        Addresses.parse(Session.SERVER),
                                        6697)))
                .map(ConntrackHelper::name)
                .contains("irc");
        Session s = new Session(config, 2121, 1, 1);
        s.server("220 hi\r\n");
        assertThat(only(s.client("PORT 10,77,1,2,156,174\r\n"), ExpectationRequest.class))
                .hasSize(1);
        Session none = new Session(config, 21, 1, 1);
        none.server("220 hi\r\n");
        assertThat(none.client("PORT 10,77,1,2,156,174\r\n")).isEmpty();
    }

    @Test
    void ircIsIpv4OnlyUnlessConfigured() {
        ConnTuple v6 =
                ConnTuple.tcp(
                        Addresses.parse("fd77:1::2"), 40000, Addresses.parse("fd77:2::2"), 6667);
        assertThat(new ControlChannelAnalyzer(HelperConfig.defaults()).helperFor(v6)).isEmpty();
        HelperConfig ircV6 =
                HelperConfig.builder()
                        .policy(
                                IrcHelper.NAME,
                                IrcHelper.DEFAULT_POLICY.toBuilder().ipv6(true).build())
                        .build();
        assertThat(new ControlChannelAnalyzer(ircV6).helperFor(v6))
                .map(ConntrackHelper::name)
                .contains("irc");
        ConnTuple ftp6 =
                ConnTuple.tcp(
                        Addresses.parse("fd77:1::2"), 40000, Addresses.parse("fd77:2::2"), 21);
        assertThat(new ControlChannelAnalyzer(HelperConfig.defaults()).helperFor(ftp6))
                .map(ConntrackHelper::name)
                .contains("ftp");
    }

    @Test
    void invalidConfigurationIsAClearError() {
        assertThatThrownBy(() -> FtpHelper.DEFAULT_POLICY.toBuilder().maxExpected(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxExpected");
        assertThatThrownBy(() -> FtpHelper.DEFAULT_POLICY.toBuilder().ports(Set.of(70000)).build())
                .isInstanceOf(IllegalArgumentException.class);
        HelperConfig typo = HelperConfig.builder().policy("fpt", FtpHelper.DEFAULT_POLICY).build();
        assertThatThrownBy(() -> new ControlChannelAnalyzer(typo))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown helper 'fpt'")
                .hasMessageContaining("ftp, irc, tftp");
    }

    @Test
    void eprtIpv6OnAnIpv4MasterIsAFamilyMismatchRefusalInRobustAndADropInKernel() {
        Session robust = Session.ftpLoggedIn(HelperMode.ROBUST);
        assertThat(only(robust.client("EPRT |2|fd77:1::2|40110|\r\n"), Refusal.class))
                .singleElement()
                .satisfies(r -> assertThat(r.reason()).isEqualTo("address-family-mismatch"));
        Session kernel = Session.ftpLoggedIn(HelperMode.KERNEL);
        assertThat(
                        only(
                                kernel.client("EPRT |2|fd77:1::2|40110|\r\n"),
                                HelperOutcome.KernelWouldDrop.class))
                .hasSize(1);
    }

    @Test
    void expectationIdsAreDeterministicAcrossReplays() {
        List<String> a =
                only(LabReplay.run("ftp-multi", HelperConfig.defaults()), ExpectationRequest.class)
                        .stream()
                        .map(ExpectationRequest::expectationId)
                        .toList();
        List<String> b =
                only(LabReplay.run("ftp-multi", HelperConfig.defaults()), ExpectationRequest.class)
                        .stream()
                        .map(ExpectationRequest::expectationId)
                        .toList();
        assertThat(a).hasSize(6).doesNotHaveDuplicates().isEqualTo(b);
    }

    @Test
    void connectionsWithoutAHelperProduceNothing() {
        ControlChannelAnalyzer a = new ControlChannelAnalyzer(HelperConfig.defaults());
        HelperContext ctx =
                HelperContext.of(
                        "m",
                        ConnTuple.tcp(
                                Addresses.parse(Session.CLIENT),
                                40000,
                                Addresses.parse(Session.SERVER),
                                80));
        ControlChannelState st = a.newState(ctx);
        assertThat(st.helper()).isNull();
        assertThat(
                        a.onSegment(
                                st,
                                Direction.ORIGINAL,
                                HelperSegment.of(
                                        1, 0x18, "PORT 10,77,1,2,156,174\r\n".getBytes(), 1),
                                ctx))
                .isEmpty();
    }

    @Test
    void stateCodecRoundTripsAndRefusesForeignVersions() {
        Session s = Session.ftpLoggedIn(HelperMode.ROBUST);
        s.client("PORT 10,77,1,2,156,");
        ControlChannelState st = s.state();
        byte[] encoded = ControlChannelStateCodec.encode(st);
        assertThat(encoded[0]).isEqualTo(ControlChannelStateCodec.VERSION);
        assertThat(encoded.length).as("compact").isLessThan(400);
        ControlChannelState back =
                ControlChannelStateCodec.decode(encoded, HelperConfig.defaults());
        assertThat(ControlChannelStateCodec.encode(back)).isEqualTo(encoded);
        assertThat(back.framer(Direction.ORIGINAL).pendingBytes())
                .isEqualTo("PORT 10,77,1,2,156,".length());
        byte[] foreign = encoded.clone();
        foreign[0] = 4;
        assertThatThrownBy(() -> ControlChannelStateCodec.decode(foreign, HelperConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("version 4");
        assertThatThrownBy(
                        () ->
                                ControlChannelStateCodec.decode(
                                        java.util.Arrays.copyOf(encoded, 20),
                                        HelperConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void dccPortZeroIsForgedInKernelModeAndAQuietRefusalInRobustMode() {
        String offer = "PRIVMSG bob :\u0001DCC SEND f 172818690 0 1 7\u0001\r\n";
        assertThat(only(Session.ircRegistered(HelperMode.KERNEL).client(offer), Refusal.class))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.alertType()).isEqualTo(IrcHelper.FORGED_DCC);
                            assertThat(r.message())
                                    .isEqualTo("Forged DCC command from 10.77.1.2: 10.77.1.2:0");
                        });
        assertThat(only(Session.ircRegistered(HelperMode.ROBUST).client(offer), Refusal.class))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.alertType()).isNull();
                            assertThat(r.reason()).isEqualTo("port-zero");
                        });
    }

    @Test
    void ircLooseExpectsTheAnnouncedAddress() {
        Session s =
                new Session(
                        HelperConfig.builder()
                                .policy(
                                        IrcHelper.NAME,
                                        IrcHelper.DEFAULT_POLICY.toBuilder().loose(true).build())
                                .build(),
                        6667,
                        1,
                        1);
        s.server(":irc 001 alice :hi\r\n");
        assertThat(
                        only(
                                s.client(
                                        "PRIVMSG bob :\u0001DCC SEND f 172818787 40003 1\u0001\r\n"),
                                ExpectationRequest.class))
                .singleElement()
                .satisfies(
                        r ->
                                assertThat(r.expected().dst())
                                        .isEqualTo(Addresses.parse("10.77.1.99")));
    }
}
