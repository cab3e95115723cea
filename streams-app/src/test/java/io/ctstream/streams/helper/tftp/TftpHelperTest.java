package io.ctstream.streams.helper.tftp;

import static io.ctstream.streams.helper.LabReplay.only;
import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.ConnTuple;
import io.ctstream.streams.helper.ExpectedTuple;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperContext;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.HelperOutcome.ExpectationEviction;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import io.ctstream.streams.helper.HelperOutcome.Refusal;
import io.ctstream.streams.helper.HelperSegment;
import io.ctstream.streams.helper.channel.ControlChannelAnalyzer;
import io.ctstream.streams.helper.channel.ControlChannelState;
import io.ctstream.streams.helper.channel.ControlChannelStateCodec;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The TFTP helper through the channel core, as the tracker runs it: a UDP master to port 69, its
 * datagrams, the state stored between them.
 */
class TftpHelperTest {

    private static final ConnTuple MASTER =
            new ConnTuple(
                    4, 17, Addresses.parse("10.91.1.2"), 51345, Addresses.parse("10.91.2.2"), 69);
    private static final HelperContext CTX = HelperContext.of("m-tftp", MASTER);

    private static List<HelperOutcome> send(
            ControlChannelAnalyzer a, byte[][] state, Direction dir, byte[] payload) {
        ControlChannelState s = ControlChannelStateCodec.decode(state[0], a.config());
        List<HelperOutcome> out =
                a.onSegment(
                        s, dir, HelperSegment.datagram(payload, payload.length, 1_000_000), CTX);
        state[0] = ControlChannelStateCodec.encode(s);
        return out;
    }

    private static byte[][] fresh(ControlChannelAnalyzer a) {
        return new byte[][] {ControlChannelStateCodec.encode(a.newState(CTX))};
    }

    @ParameterizedTest
    @EnumSource(HelperMode.class)
    void aReadRequestExpectsTheServersReplyFromAnyPortToTheClientsPort(HelperMode mode) {
        ControlChannelAnalyzer a =
                new ControlChannelAnalyzer(HelperConfig.builder().mode(mode).build());
        assertThat(a.helperFor(MASTER)).map(h -> h.name()).contains("tftp");
        byte[][] state = fresh(a);
        List<HelperOutcome> out =
                send(
                        a,
                        state,
                        Direction.ORIGINAL,
                        TftpRequestParserTest.request(1, "file.bin", "octet"));
        assertThat(only(out, ExpectationRequest.class))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.helper()).isEqualTo("tftp");
                            assertThat(r.expected())
                                    .isEqualTo(
                                            new ExpectedTuple(
                                                    4,
                                                    17,
                                                    Addresses.parse("10.91.2.2"),
                                                    null,
                                                    Addresses.parse("10.91.1.2"),
                                                    51345));
                            assertThat(r.direction()).isEqualTo(Direction.ORIGINAL);
                            assertThat(r.command()).isEqualTo("RRQ");
                            assertThat(r.timeoutSeconds()).isEqualTo(300);
                            assertThat(r.expectationId()).isEqualTo("m-tftp/o/1");
                        });
        // the server's reply from a new port fulfils it; one from port 69 (another master's tuple)
        // would not
        ExpectedTuple x = only(out, ExpectationRequest.class).get(0).expected();
        assertThat(
                        x.matches(
                                new ConnTuple(
                                        4,
                                        17,
                                        Addresses.parse("10.91.2.2"),
                                        54411,
                                        Addresses.parse("10.91.1.2"),
                                        51345)))
                .isTrue();
        assertThat(
                        x.matches(
                                new ConnTuple(
                                        4,
                                        6,
                                        Addresses.parse("10.91.2.2"),
                                        54411,
                                        Addresses.parse("10.91.1.2"),
                                        51345)))
                .as("TCP")
                .isFalse();
    }

    @Test
    void aSecondRequestOfTheSameMasterEvictsTheFirstAsMaxExpectedOne() {
        ControlChannelAnalyzer a = new ControlChannelAnalyzer(HelperConfig.defaults());
        byte[][] state = fresh(a);
        send(a, state, Direction.ORIGINAL, TftpRequestParserTest.request(1, "a", "octet"));
        List<HelperOutcome> again =
                send(a, state, Direction.ORIGINAL, TftpRequestParserTest.request(2, "b", "octet"));
        assertThat(only(again, ExpectationEviction.class))
                .singleElement()
                .satisfies(e -> assertThat(e.evictedExpectationId()).isEqualTo("m-tftp/o/1"));
        assertThat(only(again, ExpectationRequest.class))
                .singleElement()
                .satisfies(r -> assertThat(r.expectationId()).isEqualTo("m-tftp/o/2"));
    }

    @Test
    void kernelModeLooksAtTheOpcodeOnlyInEitherDirection() {
        ControlChannelAnalyzer a =
                new ControlChannelAnalyzer(HelperConfig.builder().mode(HelperMode.KERNEL).build());
        byte[][] state = fresh(a);
        assertThat(
                        only(
                                send(a, state, Direction.ORIGINAL, new byte[] {0, 1, 'x'}),
                                ExpectationRequest.class))
                .as("no NUL, no mode: tftp_help() reads two bytes")
                .hasSize(1);
        byte[][] other = fresh(a);
        assertThat(
                        only(
                                send(a, other, Direction.REPLY, new byte[] {0, 2}),
                                ExpectationRequest.class))
                .hasSize(1);
        assertThat(send(a, fresh(a), Direction.ORIGINAL, new byte[] {0, 3, 0, 1}))
                .as("DATA")
                .isEmpty();
        assertThat(send(a, fresh(a), Direction.ORIGINAL, new byte[] {0})).as("too short").isEmpty();
    }

    @Test
    void robustModeRefusesAMalformedRequestWithoutAlertAndIgnoresTheServersDatagrams() {
        ControlChannelAnalyzer a = new ControlChannelAnalyzer(HelperConfig.defaults());
        assertThat(
                        only(
                                send(a, fresh(a), Direction.ORIGINAL, new byte[] {0, 1, 'x'}),
                                Refusal.class))
                .singleElement()
                .satisfies(
                        r -> {
                            assertThat(r.reason()).isEqualTo("malformed");
                            assertThat(r.alertType()).isNull();
                        });
        assertThat(
                        send(
                                a,
                                fresh(a),
                                Direction.REPLY,
                                TftpRequestParserTest.request(1, "f", "octet")))
                .isEmpty();
        assertThat(send(a, fresh(a), Direction.ORIGINAL, new byte[] {0, 4, 0, 0}))
                .as("ACK")
                .isEmpty();
    }

    @Test
    void portsComeFromThePolicyAndIpv6IsHelped() {
        ControlChannelAnalyzer off =
                new ControlChannelAnalyzer(
                        HelperConfig.builder()
                                .policy(
                                        TftpHelper.NAME,
                                        TftpHelper.DEFAULT_POLICY.toBuilder()
                                                .ports(Set.of())
                                                .build())
                                .build());
        assertThat(off.helperFor(MASTER)).isEmpty();
        assertThat(off.expects(17))
                .as("no UDP helper on: UDP connections skip the matcher")
                .isFalse();
        assertThat(new ControlChannelAnalyzer(HelperConfig.defaults()).expects(17)).isTrue();
        ConnTuple v6 =
                new ConnTuple(
                        6, 17, Addresses.parse("fd91::2"), 40000, Addresses.parse("fd91:2::2"), 69);
        assertThat(new ControlChannelAnalyzer(HelperConfig.defaults()).helperFor(v6)).isPresent();
        ConnTuple tcp69 =
                ConnTuple.tcp(
                        Addresses.parse("10.91.1.2"), 40000, Addresses.parse("10.91.2.2"), 69);
        assertThat(new ControlChannelAnalyzer(HelperConfig.defaults()).helperFor(tcp69))
                .as("TCP to 69")
                .isEmpty();
    }
}
