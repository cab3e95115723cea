package io.ctstream.launcher.format;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes an analysis report in one {@link OutputFormat}, to a file (a directory for Zeek logs) or
 * standard output.
 */
public final class ReportWriter {
    private final ObjectMapper mapper;

    public ReportWriter(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * @param out the file to write, or for {@link OutputFormat#ZEEK} the directory of the logs
     *     (created if missing; null: the current directory); null for the others: {@code stdout}
     * @return the files written (empty when standard output)
     */
    public List<Path> write(ObjectNode report, OutputFormat format, Path out, PrintStream stdout)
            throws IOException {
        if (format == OutputFormat.ZEEK) {
            Path dir = out == null ? Path.of(".") : out;
            Files.createDirectories(dir);
            Path conn = dir.resolve("conn.log");
            Path expectations = dir.resolve("expectations.log");
            try (Writer w = Files.newBufferedWriter(conn)) {
                ZeekLogs.conn(report.path("connections"), w);
            }
            try (Writer w = Files.newBufferedWriter(expectations)) {
                ZeekLogs.expectations(report.path("expectations"), report.path("rejected"), w);
            }
            return List.of(conn, expectations);
        }
        if (out == null) {
            Writer w = new OutputStreamWriter(stdout, StandardCharsets.UTF_8);
            write(report, format, w);
            w.flush();
            return List.of();
        }
        try (Writer w = Files.newBufferedWriter(out)) {
            write(report, format, w);
        }
        return List.of(out);
    }

    private void write(ObjectNode report, OutputFormat format, Writer w) throws IOException {
        switch (format) {
            case JSON -> {
                w.write(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(report));
                w.write(System.lineSeparator());
            }
            case JSONL -> JsonLines.write(report, mapper, w);
            case TABLE -> {
                ConntrackListing.connections(report.path("connections"), w);
                ConntrackListing.expectations(
                        report.path("expectations"), report.path("rejected"), w);
            }
            default -> throw new IllegalArgumentException(format + " is written to a directory");
        }
        w.flush();
    }
}
