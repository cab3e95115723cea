package io.ctstream.launcher.format;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;

/**
 * The report as JSON Lines: one compact object per line, per connection, expectation and alert,
 * each the report's own object with a leading {@code "kind"} ({@code connection}, {@code
 * expectation}, {@code alert}); a refused announcement is an expectation with {@code "outcome":
 * "rejected"}. Line by line, so {@code jq -c}, {@code grep} and log shippers read it without
 * holding the whole report.
 */
public final class JsonLines {
    private JsonLines() {}

    public static void write(JsonNode report, ObjectMapper mapper, Writer out) throws IOException {
        lines(report.path("connections"), "connection", mapper, out);
        lines(report.path("expectations"), "expectation", mapper, out);
        lines(report.path("rejected"), "expectation", mapper, out);
        lines(report.path("alerts"), "alert", mapper, out);
        out.flush();
    }

    private static void lines(JsonNode items, String kind, ObjectMapper mapper, Writer out)
            throws IOException {
        for (JsonNode item : items) {
            ObjectNode line = mapper.createObjectNode();
            line.put("kind", kind);
            line.setAll((ObjectNode) item);
            out.write(mapper.writeValueAsString(line));
            out.write('\n');
        }
    }
}
