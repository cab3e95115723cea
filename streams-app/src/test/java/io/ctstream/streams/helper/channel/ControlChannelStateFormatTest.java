package io.ctstream.streams.helper.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.avro.Direction;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.ConnTuple;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperContext;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.HelperOutcome.ExpectationEviction;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import io.ctstream.streams.helper.HelperSegment;
import io.ctstream.streams.helper.Session;
import io.ctstream.streams.helper.ftp.FtpState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Control-channel states stored by running deployments before helpers were plug-ins (format 2,
 * written by the previous build: {@code src/test/resources/control-channel-format-2}, an FTP and an
 * IRC session in each mode) are still read, carry on where they stopped, and are written back in
 * format 3.
 */
class ControlChannelStateFormatTest {

    private static final HelperContext FTP =
            HelperContext.of(
                    "master-1",
                    ConnTuple.tcp(
                            Addresses.parse(Session.CLIENT),
                            40000,
                            Addresses.parse(Session.SERVER),
                            21));

    private static byte[] format2(String name) throws IOException {
        try (InputStream in =
                ControlChannelStateFormatTest.class.getResourceAsStream(
                        "/control-channel-format-2/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void robustFtpStateOfFormat2CarriesOnItsLineAndItsReply() throws IOException {
        byte[] old = format2("ftp-robust.bin");
        assertThat(old[0]).isEqualTo((byte) 2);
        ControlChannelState s = ControlChannelStateCodec.decode(old, HelperConfig.defaults());
        assertThat(s.helper().name()).isEqualTo("ftp");
        assertThat(s.mode()).isEqualTo(HelperMode.ROBUST);
        assertThat(s.helperState()).isInstanceOf(FtpState.class);
        assertThat(s.liveExpectations()).hasSize(1);
        assertThat(s.framer(Direction.ORIGINAL).pendingBytes())
                .isEqualTo("PORT 10,77,1,2,156,".length());
        // the rest of the PORT line the old build held: the expectation evicts the 227's
        // (max_expected 1)
        ControlChannelAnalyzer a = new ControlChannelAnalyzer(HelperConfig.defaults());
        long seq = s.stream(Direction.ORIGINAL).nextSeq();
        List<HelperOutcome> out =
                a.onSegment(
                        s,
                        Direction.ORIGINAL,
                        HelperSegment.of(
                                seq, 0x18, "174\r\n".getBytes(StandardCharsets.ISO_8859_1), 1),
                        FTP);
        assertThat(out)
                .filteredOn(ExpectationRequest.class::isInstance)
                .singleElement()
                .satisfies(
                        o ->
                                assertThat(((ExpectationRequest) o).expected().dstPort())
                                        .isEqualTo(156 * 256 + 174));
        assertThat(out).filteredOn(ExpectationEviction.class::isInstance).hasSize(1);
        byte[] now = ControlChannelStateCodec.encode(s);
        assertThat(now[0]).isEqualTo(ControlChannelStateCodec.VERSION);
        assertThat(
                        ControlChannelStateCodec.encode(
                                ControlChannelStateCodec.decode(now, HelperConfig.defaults())))
                .isEqualTo(now);
    }

    @Test
    void everyFormat2StateReadsAndRoundTripsInFormat3() throws IOException {
        for (String name :
                List.of("ftp-robust.bin", "ftp-kernel.bin", "irc-robust.bin", "irc-kernel.bin")) {
            ControlChannelState s =
                    ControlChannelStateCodec.decode(format2(name), HelperConfig.defaults());
            assertThat(s.helper().name()).as(name).isEqualTo(name.substring(0, 3));
            assertThat(s.mode().name().toLowerCase())
                    .as(name)
                    .isEqualTo(name.substring(4, name.length() - 4));
            assertThat(s.segments()).as(name).isGreaterThan(3);
            byte[] now = ControlChannelStateCodec.encode(s);
            ControlChannelState back =
                    ControlChannelStateCodec.decode(now, HelperConfig.defaults());
            assertThat(ControlChannelStateCodec.encode(back)).as(name).isEqualTo(now);
            assertThat(back.liveExpectations()).as(name).isEqualTo(s.liveExpectations());
        }
    }

    @Test
    void kernelFtpStateOfFormat2KeepsItsNewlineTrackers() throws IOException {
        ControlChannelState s =
                ControlChannelStateCodec.decode(format2("ftp-kernel.bin"), HelperConfig.defaults());
        ControlChannelAnalyzer a = new ControlChannelAnalyzer(HelperConfig.defaults());
        // the client's seq after "USER anonymous\r\n" and "PASV\r\n" (ISN 1000): the old build
        // remembered it, the
        // partial PORT sent there was dropped, so the whole PORT sent again there is searched;
        // fresh trackers would not
        List<HelperOutcome> out =
                a.onSegment(
                        s,
                        Direction.ORIGINAL,
                        HelperSegment.of(
                                1023,
                                0x18,
                                "PORT 10,77,1,2,156,174\r\n".getBytes(StandardCharsets.ISO_8859_1),
                                1),
                        FTP);
        assertThat(out).filteredOn(ExpectationRequest.class::isInstance).hasSize(1);
        ControlChannelState fresh =
                new ControlChannelAnalyzer(HelperConfig.builder().mode(HelperMode.KERNEL).build())
                        .newState(FTP);
        assertThat(fresh.mode()).isEqualTo(HelperMode.KERNEL);
        fresh.seenReply = true;
        assertThat(
                        a.onSegment(
                                fresh,
                                Direction.ORIGINAL,
                                HelperSegment.of(
                                        1023,
                                        0x18,
                                        "PORT 10,77,1,2,156,174\r\n"
                                                .getBytes(StandardCharsets.ISO_8859_1),
                                        1),
                                FTP))
                .isEmpty();
    }

    @Test
    void aStateOfAHelperThisBuildLacksIsAClearError() {
        byte[] bytes =
                ControlChannelStateCodec.encode(new ControlChannelState(null, HelperMode.ROBUST));
        byte[] renamed = new byte[bytes.length + 4];
        renamed[0] = ControlChannelStateCodec.VERSION;
        renamed[1] = 0;
        renamed[2] = 4;
        System.arraycopy("sane".getBytes(StandardCharsets.US_ASCII), 0, renamed, 3, 4);
        System.arraycopy(bytes, 3, renamed, 7, bytes.length - 3);
        assertThatThrownBy(() -> ControlChannelStateCodec.decode(renamed, HelperConfig.defaults()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("helper 'sane'");
    }
}
