package io.ctstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ctstream lab-record}: an unknown scenario is a one-line usage error before anything
 * starts.
 */
class LabRecordCommandTest {

    @Test
    void anUnknownScenarioIsAUsageError() {
        CommandLine cl = CtstreamCommand.newCommandLine();
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(new StringWriter()));
        int status =
                cl.execute(
                        "lab-record", "--scenario", "ftp-nope", "--out", "target/lab-record-test");
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("no scenario ftp-nope").doesNotContain("\tat ");
        assertThat(err.toString().strip().lines()).hasSize(1);
    }
}
