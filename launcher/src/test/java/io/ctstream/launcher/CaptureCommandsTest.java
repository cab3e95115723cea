package io.ctstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CaptureCommandsTest {
    private static int run(StringWriter err, String... args) {
        CommandLine cl = CtstreamCommand.newCommandLine();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        return cl.execute(args);
    }

    @Test
    void replayAndCaptureAreSubcommands() {
        CommandLine cl = CtstreamCommand.newCommandLine();
        assertThat(cl.getSubcommands()).containsKeys("replay", "capture", "synth");
    }

    @Test
    void replayRequiresFilesAndSensor() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "replay", "--sensor", "s1")).isEqualTo(2);
        assertThat(err.toString()).contains("--pcap");
    }

    @Test
    void speedAndFastExcludeEachOther() {
        StringWriter err = new StringWriter();
        assertThat(run(err, "replay", "--sensor", "s", "--pcap", "x.pcap", "--speed", "2", "--fast")).isEqualTo(2);
        assertThat(err.toString()).contains("mutually exclusive");
    }

    @Test
    void synthWritesTheAskedNumberOfPackets(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path out = dir.resolve("s.pcap");
        assertThat(run(new StringWriter(), "synth", "--packets", "100", "--seed", "3", "--out", out.toString())).isZero();
        long n = 0;
        try (io.ctstream.capture.file.CaptureFileReader r = io.ctstream.capture.file.CaptureFiles.open(out)) {
            io.ctstream.capture.file.CapturedFrame f = new io.ctstream.capture.file.CapturedFrame();
            while (r.next(f)) {
                n++;
            }
        }
        assertThat(n).isEqualTo(100);
    }
}
