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
        assertThat(
                        run(
                                err,
                                "replay",
                                "--sensor",
                                "s",
                                "--pcap",
                                "x.pcap",
                                "--speed",
                                "2",
                                "--fast"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("mutually exclusive");
    }

    @Test
    void synthWritesTheAskedNumberOfPackets(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path out = dir.resolve("s.pcap");
        assertThat(
                        run(
                                new StringWriter(),
                                "synth",
                                "--packets",
                                "100",
                                "--seed",
                                "3",
                                "--out",
                                out.toString()))
                .isZero();
        long n = 0;
        try (io.ctstream.capture.file.CaptureFileReader r =
                io.ctstream.capture.file.CaptureFiles.open(out)) {
            io.ctstream.capture.file.CapturedFrame f = new io.ctstream.capture.file.CapturedFrame();
            while (r.next(f)) {
                n++;
            }
        }
        assertThat(n).isEqualTo(100);
    }

    @Test
    void batchOptionsReachTheAgentsConfigWithTheirDefaults() {
        String[] client = {
            "--sensor",
            "s1",
            "-b",
            "localhost:19092",
            "-r",
            "http://localhost:19081/apis/ccompat/v7"
        };
        ReplayCommand replay = new ReplayCommand();
        new CommandLine(replay)
                .parseArgs(
                        concat(
                                client,
                                "--pcap",
                                "x.pcap",
                                "--batch-packets",
                                "8",
                                "--batch-micros",
                                "2500"));
        io.ctstream.capture.agent.CaptureAgentConfig c =
                replay.agent
                        .apply(
                                replay.client,
                                io.ctstream.capture.agent.CaptureAgentConfig.builder())
                        .replay(replay.files, 0)
                        .build();
        assertThat(c.batch().packets()).isEqualTo(8);
        assertThat(c.batch().micros()).isEqualTo(2500);
        assertThat(c.batchIdleTimer())
                .as("replay as fast as possible has only capture time")
                .isFalse();

        CaptureCommand capture = new CaptureCommand();
        new CommandLine(capture).parseArgs(concat(client, "-i", "lo"));
        c =
                capture.agent
                        .apply(
                                capture.client,
                                io.ctstream.capture.agent.CaptureAgentConfig.builder())
                        .live(
                                io.ctstream.capture.source.LiveCaptureOptions.defaults(
                                        capture.interfaces))
                        .build();
        assertThat(c.batch().packets()).isEqualTo(32);
        assertThat(c.batch().micros()).isEqualTo(5000);
        assertThat(c.batchIdleTimer())
                .as("live: quiet flows are flushed on the wall clock")
                .isTrue();

        capture = new CaptureCommand();
        new CommandLine(capture).parseArgs(concat(client, "-i", "lo", "--batch-packets", "1"));
        c =
                capture.agent
                        .apply(
                                capture.client,
                                io.ctstream.capture.agent.CaptureAgentConfig.builder())
                        .live(
                                io.ctstream.capture.source.LiveCaptureOptions.defaults(
                                        capture.interfaces))
                        .build();
        assertThat(c.batch().enabled()).isFalse();
        assertThat(c.batchIdleTimer()).isFalse();
    }

    @Test
    void sensorTopicPublishesToTheSensorsOwnTopic() {
        String[] client = {
            "-b",
            "localhost:19092",
            "-r",
            "http://localhost:19081/apis/ccompat/v7",
            "--topic-prefix",
            "p-"
        };
        ReplayCommand replay = new ReplayCommand();
        new CommandLine(replay)
                .parseArgs(
                        concat(client, "--sensor", "edge-1", "--pcap", "x.pcap", "--sensor-topic"));
        io.ctstream.capture.agent.CaptureAgentConfig c =
                replay.agent
                        .apply(
                                replay.client,
                                io.ctstream.capture.agent.CaptureAgentConfig.builder())
                        .replay(replay.files, 0)
                        .build();
        assertThat(c.topic()).isEqualTo("p-packets.edge-1");
        replay = new ReplayCommand();
        new CommandLine(replay).parseArgs(concat(client, "--sensor", "edge-1", "--pcap", "x.pcap"));
        c =
                replay.agent
                        .apply(
                                replay.client,
                                io.ctstream.capture.agent.CaptureAgentConfig.builder())
                        .replay(replay.files, 0)
                        .build();
        assertThat(c.topic()).as("default: the shared topic").isEqualTo("p-packets");
        StringWriter err = new StringWriter();
        assertThat(
                        run(
                                err,
                                "replay",
                                "--sensor",
                                "a/b",
                                "--sensor-topic",
                                "--pcap",
                                "x.pcap",
                                "-b",
                                "localhost:19092",
                                "-r",
                                "http://localhost:19081"))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("--sensor a/b with --sensor-topic")
                .contains("cannot name a topic");
    }

    @Test
    void aBadBatchSizeIsAClearErrorBeforeAnythingStarts() {
        StringWriter err = new StringWriter();
        assertThat(
                        run(
                                err,
                                "replay",
                                "--sensor",
                                "s",
                                "--pcap",
                                "x.pcap",
                                "-b",
                                "localhost:19092",
                                "-r",
                                "http://localhost:19081",
                                "--batch-packets",
                                "0"))
                .isEqualTo(2);
        assertThat(err.toString())
                .contains("ctstream replay: ")
                .contains("batch packets must be 1..");
    }

    @Test
    void synthWritesASynFloodOnAsk(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path out = dir.resolve("flood.pcap");
        assertThat(
                        run(
                                new StringWriter(),
                                "synth",
                                "--packets",
                                "500",
                                "--seed",
                                "3",
                                "--mix",
                                "syn-flood",
                                "--out",
                                out.toString()))
                .isZero();
        io.ctstream.capture.decode.PacketDecoder decoder =
                new io.ctstream.capture.decode.PacketDecoder();
        io.ctstream.capture.decode.DecodedPacket p = new io.ctstream.capture.decode.DecodedPacket();
        java.util.Set<String> sources = new java.util.HashSet<>();
        long n = 0;
        try (io.ctstream.capture.file.CaptureFileReader r =
                io.ctstream.capture.file.CaptureFiles.open(out)) {
            io.ctstream.capture.file.CapturedFrame f = new io.ctstream.capture.file.CapturedFrame();
            while (r.next(f)) {
                assertThat(
                                decoder.decode(
                                        f.linkType(),
                                        f.data(),
                                        f.capturedLength(),
                                        f.originalLength(),
                                        p))
                        .isTrue();
                assertThat(p.tcpFlags()).isEqualTo(0x02);
                assertThat(p.dstPort()).isEqualTo(80);
                sources.add(
                        java.util.Arrays.toString(
                                        java.util.Arrays.copyOfRange(
                                                p.buffer(), p.srcOffset(), p.srcOffset() + 4))
                                + p.srcPort());
                n++;
            }
        }
        assertThat(n).isEqualTo(500);
        assertThat(sources).hasSizeGreaterThan(495);

        StringWriter err = new StringWriter();
        assertThat(run(err, "synth", "--packets", "5", "--mix", "smurf", "--out", out.toString()))
                .isEqualTo(2);
        assertThat(err.toString()).contains("unknown mix 'smurf'");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
