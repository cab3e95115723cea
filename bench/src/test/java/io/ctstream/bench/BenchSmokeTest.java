package io.ctstream.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The bench harness runs every section end to end on tiny inputs and writes its table and chart.
 * Proves the harness works; measures nothing (no timing is asserted).
 */
class BenchSmokeTest {

    @Test
    void everySectionRunsAndTheTableAndChartAreWritten(@TempDir Path out) throws Exception {
        int exit =
                new CommandLine(new BenchMain())
                        .execute(
                                "--packets",
                                "20000",
                                "--stream-packets",
                                "4000",
                                "--rounds",
                                "1",
                                "--out",
                                out.toString());

        assertThat(exit).isZero();
        String table = Files.readString(out.resolve("bench.md"));
        assertThat(table)
                .contains(
                        "capture replay",
                        "ProducerPerformance",
                        "bare producer, agent's own records",
                        "count-per-key topology",
                        "plain consumer",
                        "state store",
                        "scaling",
                        "end to end",
                        "time to pinhole");
        byte[] png = Files.readAllBytes(out.resolve("bench.png"));
        assertThat(png).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
    }
}
