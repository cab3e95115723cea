package io.ctstream.capture.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.FlowKeys;
import io.ctstream.capture.decode.LinkType;
import io.ctstream.capture.decode.PacketDecoder;
import io.ctstream.capture.decode.PacketRecords;
import io.ctstream.capture.file.CaptureFileException;
import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Random, truncated and mutated frames and capture files: nothing but the typed
 * {@link CaptureFileException} may escape, and every frame is either decoded or counted as rejected.
 */
class RobustnessTest {
    private static final int[] LINK_TYPES = {LinkType.ETHERNET, LinkType.LINUX_SLL, LinkType.LINUX_SLL2, LinkType.RAW,
        LinkType.IPV4, LinkType.IPV6, 147};

    private final SplittableRandom random = new SplittableRandom(20261122L);

    /** Real frames from the lab captures, to mutate. */
    private static List<byte[]> labFrames() throws IOException {
        List<byte[]> frames = new ArrayList<>();
        for (Path p : LabFiles.pcaps()) {
            try (CaptureFileReader r = CaptureFiles.open(p)) {
                CapturedFrame f = new CapturedFrame();
                while (r.next(f)) {
                    frames.add(Arrays.copyOf(f.data(), f.capturedLength()));
                }
            }
        }
        return frames;
    }

    @Test
    void randomTruncatedAndMutatedFramesAreDecodedOrCountedNeverThrown() throws IOException {
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket p = new DecodedPacket();
        List<byte[]> seeds = labFrames();
        int frames = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] f;
            int kind = i % 3;
            if (kind == 0) { // pure garbage
                f = new byte[random.nextInt(0, 200)];
                random.nextBytes(f);
            } else {
                byte[] seed = seeds.get(random.nextInt(seeds.size()));
                f = Arrays.copyOf(seed, kind == 1 ? random.nextInt(0, seed.length + 1) : seed.length);
                if (kind == 2) {
                    for (int m = random.nextInt(1, 6); m > 0 && f.length > 0; m--) {
                        f[random.nextInt(f.length)] = (byte) random.nextInt(256);
                    }
                }
            }
            int linkType = kind == 0 ? LINK_TYPES[random.nextInt(LINK_TYPES.length)] : LinkType.ETHERNET;
            int orig = random.nextBoolean() ? f.length : f.length + random.nextInt(0, 1500);
            frames++;
            if (decoder.decode(linkType, f, f.length, orig, p)) {
                // whatever decoded must also map to a record and key without failing
                PacketRecords.toRecord(p, "fuzz", 0, null, 4096);
                FlowKeys.of(p);
            } else {
                assertThat(p.reject()).isNotNull();
            }
        }
        assertThat(decoder.counters().decoded() + decoder.counters().rejectedTotal()).isEqualTo(frames);
        assertThat(decoder.counters().rejectedTotal()).isPositive();
        assertThat(decoder.counters().decoded()).isPositive();
    }

    @Test
    void corruptedAndTruncatedCaptureFilesFailOnlyWithTheTypedError() throws IOException {
        List<byte[]> files = new ArrayList<>();
        for (Path p : LabFiles.pcaps()) {
            files.add(Files.readAllBytes(p));
        }
        files.add(pcapngOf(files.get(0)));
        int clean = 0;
        int failed = 0;
        for (int i = 0; i < 3_000; i++) {
            byte[] original = files.get(random.nextInt(files.size()));
            byte[] f;
            if (i % 2 == 0) {
                f = Arrays.copyOf(original, random.nextInt(0, original.length + 1));
            } else {
                f = original.clone();
                for (int m = random.nextInt(1, 10); m > 0; m--) {
                    f[random.nextInt(f.length)] = (byte) random.nextInt(256);
                }
            }
            PacketDecoder decoder = new PacketDecoder();
            DecodedPacket p = new DecodedPacket();
            CapturedFrame frame = new CapturedFrame();
            long delivered = 0;
            try (CaptureFileReader r = CaptureFiles.open(Path.of("fuzz-" + i + ".pcap"), new ByteArrayInputStream(f))) {
                while (r.next(frame)) {
                    delivered++;
                    decoder.decode(frame.linkType(), frame.data(), frame.capturedLength(), frame.originalLength(), p);
                }
                clean++;
            } catch (CaptureFileException e) {
                assertThat(e.getMessage()).contains("fuzz-" + i + ".pcap").contains("byte offset");
                assertThat(e.offset()).isBetween(0L, (long) f.length);
                failed++;
            }
            assertThat(decoder.counters().decoded() + decoder.counters().rejectedTotal()).isEqualTo(delivered);
        }
        assertThat(clean + failed).isEqualTo(3_000);
        assertThat(failed).isPositive();
    }

    /** The same frames as a little-endian pcapng with one interface, to fuzz the pcapng reader too. */
    private static byte[] pcapngOf(byte[] pcap) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(pcap.length * 2 + 1024).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x0A0D0D0A).putInt(28).putInt(0x1A2B3C4D).putShort((short) 1).putShort((short) 0).putLong(-1).putInt(28);
        b.putInt(1).putInt(20).putShort((short) 1).putShort((short) 0).putInt(0).putInt(20);
        try (CaptureFileReader r = CaptureFiles.open(Path.of("x"), new ByteArrayInputStream(pcap))) {
            CapturedFrame f = new CapturedFrame();
            while (r.next(f)) {
                int padded = (f.capturedLength() + 3) & ~3;
                long ts = f.timestampMicros();
                b.putInt(6).putInt(32 + padded).putInt(0).putInt((int) (ts >>> 32)).putInt((int) ts)
                        .putInt(f.capturedLength()).putInt(f.originalLength()).put(f.data(), 0, f.capturedLength());
                for (int i = f.capturedLength(); i < padded; i++) {
                    b.put((byte) 0);
                }
                b.putInt(32 + padded);
            }
        }
        out.write(b.array(), 0, b.position());
        return out.toByteArray();
    }
}
