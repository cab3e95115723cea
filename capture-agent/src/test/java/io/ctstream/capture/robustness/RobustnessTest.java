package io.ctstream.capture.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.LinkType;
import io.ctstream.capture.decode.PacketDecoder;
import io.ctstream.capture.encode.FlowKeyBytes;
import io.ctstream.capture.encode.PacketRecordEncoder;
import io.ctstream.capture.file.CaptureFileException;
import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import io.ctstream.embedded.fuzz.FuzzInputs;
import io.ctstream.serde.ConfluentWireFormat;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;

/**
 * Fuzzing (jqwik) of the header parser and the capture-file readers: random bytes and mutations of
 * the corpus in {@code src/test/resources/fuzz/frames} (Ethernet frames of the lab captures) and
 * {@code fuzz/capture-files} (small pcap in both byte orders and µs/ns, pcapng with two interfaces
 * and EPB/SPB). Nothing but the typed {@link CaptureFileException} may escape, and every frame is
 * either decoded (and maps to a record and a key) or counted as rejected with a reason. The number
 * of tries is {@code jqwik.tries.default} (see the module README for the long run).
 */
class RobustnessTest {
    private static final List<String> FRAME_TOKENS =
            List.of(
                    "\u0008\u0000",
                    "\u0086\u00dd",
                    "\u0081\u0000",
                    "\u0088\u00a8",
                    "\u0045\u0000",
                    "\u0046\u0000",
                    "\u0060\u0000",
                    "\u0000\u0006",
                    "\u0000\u0011",
                    "\u0000\u003a",
                    "\u002c\u0000");
    private static final List<String> FILE_TOKENS =
            List.of(
                    "\u00d4\u00c3\u00b2\u00a1",
                    "\u00a1\u00b2\u00c3\u00d4",
                    "\u004d\u003c\u00b2\u00a1",
                    "\n\r\r\n",
                    "\u004d\u003c\u002b\u001a",
                    "\u0006\u0000\u0000\u0000",
                    "\u0001\u0000\u0000\u0000",
                    "\u0003\u0000\u0000\u0000",
                    "\u00ff\u00ff\u00ff\u00ff");

    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final PacketRecordEncoder encoder = new PacketRecordEncoder(1, "fuzz");

    @Provide
    Arbitrary<byte[]> frames() {
        return FuzzInputs.of(FuzzInputs.corpus("frames"), FRAME_TOKENS, 2048);
    }

    @Provide
    Arbitrary<Integer> linkTypes() {
        return Arbitraries.frequencyOf(
                Tuple.of(12, Arbitraries.just(LinkType.ETHERNET)),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                LinkType.LINUX_SLL,
                                LinkType.LINUX_SLL2,
                                LinkType.RAW,
                                LinkType.IPV4,
                                LinkType.IPV6,
                                14,
                                101,
                                147)),
                Tuple.of(
                        1,
                        Arbitraries.of(
                                LinkType.NULL,
                                LinkType.LOOP,
                                LinkType.PPP,
                                LinkType.PPP_HDLC,
                                LinkType.C_HDLC,
                                LinkType.IPNET)));
    }

    @Provide
    Arbitrary<byte[]> captureFiles() {
        return FuzzInputs.of(FuzzInputs.corpus("capture-files"), FILE_TOKENS, 4096);
    }

    @Property
    void framesAreDecodedOrCountedNeverThrown(
            @ForAll("frames") byte[] f,
            @ForAll("linkTypes") int linkType,
            @ForAll @IntRange(min = 0, max = 1500) int extraOriginal) {
        long before = decoder.counters().decoded() + decoder.counters().rejectedTotal();
        int original = extraOriginal % 2 == 0 ? f.length : f.length + extraOriginal;
        if (decoder.decode(linkType, f, f.length, original, packet)) {
            // whatever decoded must also encode to a value and a key without failing, as the agent
            // does it
            assertThat(encoder.encode(packet, 0, null, 4096))
                    .hasSizeGreaterThan(ConfluentWireFormat.HEADER_SIZE);
            assertThat(FlowKeyBytes.of(packet).length).isIn(15, 39);
        } else {
            assertThat(packet.reject()).isNotNull();
        }
        assertThat(decoder.counters().decoded() + decoder.counters().rejectedTotal())
                .isEqualTo(before + 1);
    }

    @Property
    void captureFilesFailOnlyWithTheTypedError(@ForAll("captureFiles") byte[] f)
            throws IOException {
        PacketDecoder fileDecoder = new PacketDecoder();
        CapturedFrame frame = new CapturedFrame();
        long delivered = 0;
        try (CaptureFileReader r =
                CaptureFiles.open(Path.of("fuzz.pcap"), new ByteArrayInputStream(f))) {
            while (r.next(frame)) {
                delivered++;
                fileDecoder.decode(
                        frame.linkType(),
                        frame.data(),
                        frame.capturedLength(),
                        frame.originalLength(),
                        packet);
            }
        } catch (CaptureFileException e) {
            assertThat(e.getMessage()).contains("fuzz.pcap").contains("byte offset");
            assertThat(e.offset()).isBetween(0L, (long) f.length);
        }
        assertThat(fileDecoder.counters().decoded() + fileDecoder.counters().rejectedTotal())
                .isEqualTo(delivered);
    }
}
