package io.ctstream.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.Verdict;
import io.ctstream.launcher.analyze.PipelineAnalyzer;
import io.ctstream.launcher.analyze.TopicReader;
import io.ctstream.schemas.Topics;
import io.ctstream.streams.StreamsApp;
import io.ctstream.streams.StreamsAppConfig;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The demo's readable summary of one run: connections by state, expectations by outcome, rejected
 * announcements and alerts by type, verdicts by action, enforcement reports by outcome. Built from
 * the analysis report (the same JSON as {@code ctstream analyze}) and the verdicts and reports
 * topics. Each line starts with a fixed label and the total, so a test (or a script) can read it
 * back.
 */
public record DemoSummary(
        JsonNode report, List<Verdict> verdicts, List<EnforcementReport> reports) {

    /**
     * The summary of what the pipeline of {@code app} published so far, with its store's final
     * counters.
     */
    public static DemoSummary of(StreamsApp app) {
        StreamsAppConfig config = app.config();
        TopicReader reader = PipelineAnalyzer.readerOf(config);
        return new DemoSummary(
                PipelineAnalyzer.report(config, app.liveConnections()),
                reader.readAll(config.topic(Topics.VERDICTS), Verdict.class),
                reader.readAll(config.topic(Topics.REPORTS), EnforcementReport.class));
    }

    public int connections() {
        return report.path("connections").size();
    }

    public void print(PrintWriter out) {
        JsonNode conns = report.path("connections");
        out.printf(
                "connections   %4d  by state: %s%n",
                conns.size(), counts(conns, DemoSummary::state));
        out.printf(
                "  related     %4d  (data connections of an expectation: kernel's RELATED)%n",
                StreamSupport.stream(conns.spliterator(), false)
                        .filter(
                                c ->
                                        !c.path("master").isNull()
                                                && !c.path("master").isMissingNode())
                        .count());
        JsonNode exps = report.path("expectations");
        out.printf(
                "expectations  %4d  by outcome: %s; by helper: %s%n",
                exps.size(),
                counts(exps, e -> e.path("outcome").asText()),
                counts(exps, e -> e.path("helper").asText()));
        JsonNode rejected = report.path("rejected");
        out.printf(
                "rejected      %4d  announcements a helper refused%s%n",
                rejected.size(),
                rejected.isEmpty()
                        ? ""
                        : ": "
                                + counts(
                                        rejected,
                                        r ->
                                                r.path("helper").asText()
                                                        + " "
                                                        + r.path("evidence").asText()));
        JsonNode alerts = report.path("alerts");
        out.printf(
                "alerts        %4d  by type: %s%n",
                alerts.size(), counts(alerts, a -> a.path("type").asText()));
        out.printf(
                "verdicts      %4d  by action: %s%n",
                verdicts.size(), count(verdicts, v -> v.getAction().name()));
        out.printf(
                "enforcement   %4d  reports by outcome: %s%s%n",
                reports.size(),
                count(reports, r -> r.getOutcome().name()),
                reports.stream().anyMatch(EnforcementReport::getDryRun)
                        ? " (dry run: nft commands printed, not run)"
                        : "");
    }

    private static String state(JsonNode c) {
        JsonNode tcp = c.path("tcp_state");
        return tcp.isTextual()
                ? tcp.asText()
                : c.path("orig").path("proto").asText() + " " + c.path("ct_state").asText();
    }

    private static String counts(JsonNode array, Function<JsonNode, String> key) {
        return format(
                StreamSupport.stream(array.spliterator(), false)
                        .collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting())));
    }

    private static <T> String count(List<T> items, Function<T, String> key) {
        return format(
                items.stream()
                        .collect(Collectors.groupingBy(key, TreeMap::new, Collectors.counting())));
    }

    private static String format(Map<String, Long> m) {
        return m.isEmpty()
                ? "-"
                : m.entrySet().stream()
                        .map(e -> e.getKey() + " " + e.getValue())
                        .collect(Collectors.joining(", "));
    }
}
