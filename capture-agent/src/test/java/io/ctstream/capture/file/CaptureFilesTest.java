package io.ctstream.capture.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.capture.decode.LinkType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CaptureFilesTest {
    static final Path NAME = Path.of("test.cap");
    static final byte[] F1 = {1, 2, 3, 4, 5};
    static final byte[] F2 = {9, 8, 7, 6, 5, 4, 3, 2};

    static List<long[]> readAll(byte[] file, List<byte[]> frames) throws IOException {
        List<long[]> meta = new ArrayList<>();
        try (CaptureFileReader r = CaptureFiles.open(NAME, new ByteArrayInputStream(file))) {
            CapturedFrame f = new CapturedFrame();
            while (r.next(f)) {
                frames.add(Arrays.copyOf(f.data(), f.capturedLength()));
                meta.add(
                        new long[] {
                            f.timestampNanos(), f.linkType(), f.interfaceId(), f.originalLength()
                        });
            }
        }
        return meta;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void pcapMicrosAndNanosInBothByteOrders(boolean bigEndian) throws IOException {
        byte[] micro =
                new CaptureBytes(bigEndian)
                        .pcapHeader(0xa1b2c3d4L, LinkType.ETHERNET)
                        .pcapRecord(1_700_000_000L, 123_456, F1)
                        .pcapRecord(1_700_000_001L, 0, F2)
                        .build();
        List<byte[]> frames = new ArrayList<>();
        List<long[]> meta = readAll(micro, frames);
        assertThat(frames).containsExactly(F1, F2);
        assertThat(meta.get(0)[0]).isEqualTo(1_700_000_000_123_456_000L);
        assertThat(meta.get(0)[1]).isEqualTo(LinkType.ETHERNET);
        byte[] nano =
                new CaptureBytes(bigEndian)
                        .pcapHeader(0xa1b23c4dL, LinkType.RAW)
                        .pcapRecord(1_700_000_000L, 123_456_789, F1)
                        .build();
        frames.clear();
        meta = readAll(nano, frames);
        assertThat(meta.get(0)[0]).isEqualTo(1_700_000_000_123_456_789L);
        assertThat(meta.get(0)[1]).isEqualTo(LinkType.RAW);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void pcapngInterfacesWithTheirOwnLinkTypeAndResolution(boolean bigEndian) throws IOException {
        byte[] file =
                new CaptureBytes(bigEndian)
                        .shb()
                        .idb(LinkType.ETHERNET, "eth0", -1) // default microseconds
                        .idb(LinkType.LINUX_SLL2, "any", 9) // nanoseconds
                        .unknownBlock()
                        .epb(0, 1_700_000_000_000_001L, F1)
                        .epb(1, 1_700_000_000_000_000_002L, F2)
                        .idb(LinkType.RAW, "tun0", 0x80 | 10) // 2^-10 s
                        .epb(2, 3L << 10 | 512, F1)
                        .spb(F2)
                        .build();
        List<byte[]> frames = new ArrayList<>();
        List<long[]> meta = readAll(file, frames);
        assertThat(frames).containsExactly(F1, F2, F1, F2);
        assertThat(meta.get(0))
                .containsExactly(1_700_000_000_000_001_000L, LinkType.ETHERNET, 0, F1.length);
        assertThat(meta.get(1))
                .containsExactly(1_700_000_000_000_000_002L, LinkType.LINUX_SLL2, 1, F2.length);
        assertThat(meta.get(2)).containsExactly(3_500_000_000L, LinkType.RAW, 2, F1.length);
        assertThat(meta.get(3)[1]).isEqualTo(LinkType.ETHERNET);
    }

    @Test
    void pcapngSectionsMayChangeByteOrder() throws IOException {
        ByteArrayOutputStream both = new ByteArrayOutputStream();
        both.write(
                new CaptureBytes(false)
                        .shb()
                        .idb(LinkType.ETHERNET, "a", -1)
                        .epb(0, 1, F1)
                        .build());
        both.write(new CaptureBytes(true).shb().idb(LinkType.RAW, "b", -1).epb(0, 2, F2).build());
        List<byte[]> frames = new ArrayList<>();
        List<long[]> meta = readAll(both.toByteArray(), frames);
        assertThat(frames).containsExactly(F1, F2);
        assertThat(meta.get(1)[1]).isEqualTo(LinkType.RAW);
    }

    @Test
    void truncatedPcapFailsWithFileAndOffsetAfterDeliveringEarlierFrames() throws IOException {
        byte[] file =
                new CaptureBytes(false)
                        .pcapHeader(0xa1b2c3d4L, 1)
                        .pcapRecord(1, 0, F1)
                        .pcapRecord(2, 0, F2)
                        .build();
        byte[] cut = Arrays.copyOf(file, file.length - 3);
        List<byte[]> delivered = new ArrayList<>();
        CapturedFrame f = new CapturedFrame();
        try (CaptureFileReader r = CaptureFiles.open(NAME, new ByteArrayInputStream(cut))) {
            assertThatThrownBy(
                            () -> {
                                while (r.next(f)) {
                                    delivered.add(Arrays.copyOf(f.data(), f.capturedLength()));
                                }
                            })
                    .isInstanceOf(CaptureFileException.class)
                    .hasMessageContaining("test.cap")
                    .hasMessageContaining("truncated pcap record")
                    .hasMessageContaining("byte offset " + (24 + 16 + F1.length))
                    .satisfies(
                            e ->
                                    assertThat(((CaptureFileException) e).offset())
                                            .isEqualTo(24 + 16 + F1.length));
        }
        assertThat(delivered).containsExactly(F1);
    }

    @Test
    void corruptInputsGiveTypedErrors() {
        assertThatThrownBy(() -> readAll(new byte[] {1, 2}, new ArrayList<>()))
                .isInstanceOf(CaptureFileException.class)
                .hasMessageContaining("too short");
        assertThatThrownBy(
                        () -> readAll("hello world, not a capture".getBytes(), new ArrayList<>()))
                .isInstanceOf(CaptureFileException.class)
                .hasMessageContaining("neither pcap nor pcapng");
        byte[] huge =
                new CaptureBytes(false)
                        .pcapHeader(0xa1b2c3d4L, 1)
                        .u32(0)
                        .u32(0)
                        .u32(0x7fffffff)
                        .u32(10)
                        .build();
        assertThatThrownBy(() -> readAll(huge, new ArrayList<>()))
                .isInstanceOf(CaptureFileException.class)
                .hasMessageContaining("exceeds the limit");
        byte[] badTrailer =
                new CaptureBytes(false)
                        .shb()
                        .idb(1, "x", -1)
                        .u32(6)
                        .u32(36)
                        .u32(0)
                        .u32(0)
                        .u32(0)
                        .u32(4)
                        .u32(4)
                        .u32(0)
                        .u32(40)
                        .build();
        assertThatThrownBy(() -> readAll(badTrailer, new ArrayList<>()))
                .isInstanceOf(CaptureFileException.class)
                .hasMessageContaining("trailing length");
        byte[] noIdb = new CaptureBytes(false).shb().epb(0, 1, F1).build();
        assertThatThrownBy(() -> readAll(noIdb, new ArrayList<>()))
                .isInstanceOf(CaptureFileException.class)
                .hasMessageContaining("interface 0");
    }

    @Test
    void writerOutputReadsBack() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PcapWriter w = new PcapWriter(bytes, LinkType.ETHERNET, 65535)) {
            w.write(1_700_000_000_654_321L, F1, 0, F1.length);
            w.write(1_700_000_001_000_000L, F2, 0, F2.length);
        }
        List<byte[]> frames = new ArrayList<>();
        List<long[]> meta = readAll(bytes.toByteArray(), frames);
        assertThat(frames).containsExactly(F1, F2);
        assertThat(meta.get(0)[0]).isEqualTo(1_700_000_000_654_321_000L);
    }
}
