package io.ctstream.dashboards;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Every panel target's PromQL of every dashboard JSON, with Grafana's variables made concrete. */
final class DashboardQueries {
    static final Path DASHBOARDS = Path.of("grafana", "dashboards");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LABEL_VALUES =
            Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");

    /** One target of one panel; {@code variables}: the dashboard's template variables. */
    record Query(String dashboard, String panel, String expr, List<String> variables) {
        /**
         * What Prometheus is asked: each of the dashboard's variables as "All" ({@code .*}, their
         * allValue) and Grafana's intervals fixed; anything else left with a {@code $} is an error.
         */
        String promql() {
            String q =
                    expr.replace("$__rate_interval", "1m")
                            .replace("$__interval", "15s")
                            .replace("$__range", "5m");
            for (String v : variables) {
                q = q.replace("${" + v + "}", ".*").replace("$" + v, ".*");
            }
            if (q.contains("$")) {
                throw new IllegalArgumentException(this + ": unknown variable in " + q);
            }
            return q;
        }

        @Override
        public String toString() {
            return dashboard + " / " + panel + ": " + expr;
        }
    }

    private DashboardQueries() {}

    static List<Path> files() {
        try (Stream<Path> s = Files.list(DASHBOARDS)) {
            return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + e.getMessage(), e);
        }
    }

    static List<Query> all() {
        List<Query> queries = new ArrayList<>();
        for (Path file : files()) {
            JsonNode dashboard = read(file);
            List<String> variables = new ArrayList<>();
            dashboard
                    .path("templating")
                    .path("list")
                    .forEach(v -> variables.add(v.path("name").asText()));
            String title = dashboard.path("title").asText(file.getFileName().toString());
            // a variable's label_values(metric, label) lists nothing unless the metric has series
            // with the label
            for (JsonNode v : dashboard.path("templating").path("list")) {
                Matcher m = LABEL_VALUES.matcher(v.path("definition").asText());
                if (m.matches()) {
                    queries.add(
                            new Query(
                                    title,
                                    "variable " + v.path("name").asText(),
                                    "group by (" + m.group(2) + ") (" + m.group(1) + ")",
                                    List.of()));
                }
            }
            collect(title, List.copyOf(variables), dashboard.path("panels"), queries);
        }
        return queries;
    }

    /** Panels, and the panels of collapsed rows. */
    private static void collect(
            String dashboard, List<String> variables, JsonNode panels, List<Query> into) {
        for (JsonNode panel : panels) {
            collect(dashboard, variables, panel.path("panels"), into);
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    into.add(
                            new Query(
                                    dashboard,
                                    panel.path("title").asText(),
                                    target.get("expr").asText(),
                                    variables));
                }
            }
        }
    }
}
