package io.ctstream.capture.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ctstream.capture.decode.LinkType;
import io.ctstream.capture.robustness.LabFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CaptureFileCheckTest {
    @TempDir Path dir;

    @Test
    void missingEmptyGarbageAndDirectoriesAreRefusedNamingTheFile() throws IOException {
        Path missing = dir.resolve("missing.pcap");
        assertThatThrownBy(() -> CaptureFileCheck.check(missing))
                .isInstanceOf(UnusableCaptureFileException.class)
                .hasMessage("capture file " + missing + ": no such file");
        Path empty = Files.createFile(dir.resolve("empty.pcap"));
        assertThatThrownBy(() -> CaptureFileCheck.check(empty))
                .hasMessage("capture file " + empty + ": is empty (0 bytes)");
        Path garbage =
                Files.writeString(dir.resolve("garbage.pcap"), "this is not a capture file\n");
        assertThatThrownBy(() -> CaptureFileCheck.check(garbage))
                .isInstanceOf(UnusableCaptureFileException.class)
                .hasMessageStartingWith(
                        "capture file " + garbage + ": neither pcap nor pcapng (magic 0x74686973)");
        assertThatThrownBy(() -> CaptureFileCheck.check(dir))
                .hasMessageContaining("is a directory");
    }

    @Test
    void aLabCaptureAndAPcapngPassWithTheirLinkTypes() throws IOException {
        Path lab = LabFiles.dir().resolve("ftp-passive.pcap");
        CaptureFileCheck.Summary s = CaptureFileCheck.check(lab);
        assertThat(s.format()).isEqualTo("pcap");
        assertThat(s.linkTypes()).containsExactly(LinkType.ETHERNET);
        assertThat(s.hasPackets()).isTrue();
        Path ng =
                Files.write(
                        dir.resolve("two.pcapng"),
                        new CaptureBytes(false)
                                .shb()
                                .idb(LinkType.ETHERNET, "eth0", -1)
                                .idb(LinkType.NULL, "lo0", -1)
                                .epb(1, 1, new byte[8])
                                .build());
        s = CaptureFileCheck.check(ng);
        assertThat(s.format()).isEqualTo("pcapng");
        assertThat(s.linkTypes()).containsExactly(LinkType.ETHERNET, LinkType.NULL);
    }

    @Test
    void aCaptureCutShortIsPassedOnAndItsReaderSaysTruncated() throws IOException {
        Path lab = LabFiles.dir().resolve("ftp-passive.pcap");
        byte[] all = Files.readAllBytes(lab);
        Path cut =
                Files.write(dir.resolve("cut.pcap"), java.util.Arrays.copyOf(all, all.length - 7));
        assertThat(CaptureFileCheck.check(cut).hasPackets()).isTrue();
        long packets = 0;
        try (CaptureFileReader r = CaptureFiles.open(cut)) {
            CapturedFrame f = new CapturedFrame();
            while (r.next(f)) {
                packets++;
            }
            throw new AssertionError("read to the end of a truncated file");
        } catch (CaptureFileException e) {
            assertThat(e.truncated()).isTrue();
            assertThat(e.getMessage()).contains("truncated pcap record");
            assertThat(packets).isPositive();
        }
        Path corrupt =
                Files.write(
                        dir.resolve("corrupt.pcap"),
                        new CaptureBytes(false).pcapHeader(0xa1b2c3d4L, 1).build());
        byte[] huge = new byte[16];
        huge[8] = (byte) 0xff;
        huge[9] = (byte) 0xff;
        huge[10] = (byte) 0xff;
        huge[11] = (byte) 0x7f; // captured length 2^31 - 1: corrupt, not cut short
        Files.write(corrupt, huge, java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> CaptureFileCheck.check(corrupt))
                .isInstanceOf(UnusableCaptureFileException.class)
                .hasMessageContaining("corrupt pcap record");
    }
}
