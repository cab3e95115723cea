package io.ctstream.launcher.lab;

import io.ctstream.avro.EnforcementOutcome;
import io.ctstream.avro.EnforcementReport;
import io.ctstream.avro.ExpectationEvent;
import io.ctstream.avro.ExpectationEventType;
import io.ctstream.avro.Verdict;
import io.ctstream.avro.VerdictAction;
import io.ctstream.enforcement.nft.NftElement;
import io.ctstream.enforcement.nft.VerdictElements;
import io.ctstream.launcher.analyze.TopicReader;
import io.ctstream.schemas.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Time-to-pinhole of one data connection: from the capture timestamp of the packet that announced
 * it (the expectation's {@code createdMicros}: the PORT command or the 227 reply as the capture
 * agent stamped it on gw) to its element being in gw's allow set: the moment the enforcement
 * agent's nft returned with it (the verdict's record timestamp plus the report's {@code
 * verdictToElementMicros}). The {@link PinholeWatcher} confirms independently that the element is
 * there ({@code seenAt}, as late as its poll period).
 *
 * @param expectationId the expectation
 * @param evidence the announcing command or reply
 * @param announced capture timestamp of the announcing packet
 * @param verdictAt the ALLOW verdict's record timestamp (streams-app's wall clock when it decided)
 * @param appliedAt when the agent's nft returned with the element in the table
 * @param seenAt when the watcher first listed the element
 * @param dataPort the data connection's destination port (the pinhole's)
 */
public record PinholeTiming(
        String expectationId,
        String evidence,
        Instant announced,
        Instant verdictAt,
        Instant appliedAt,
        Instant seenAt,
        int dataPort) {

    /** Announced → element in nft: the time-to-pinhole. */
    public Duration toPinhole() {
        return Duration.between(announced, appliedAt);
    }

    public String describe() {
        return "'"
                + evidence
                + "' captured "
                + announced
                + ": verdict +"
                + millis(announced, verdictAt)
                + " ms, in nft +"
                + toPinhole().toMillis()
                + " ms (time-to-pinhole; listed by the watcher +"
                + millis(announced, seenAt)
                + " ms)";
    }

    private static long millis(Instant from, Instant to) {
        return to == null ? -1 : Duration.between(from, to).toMillis();
    }

    /**
     * Waits until an expectation CREATED that {@code which} selects has its pinhole applied by the
     * agent and listed in gw's table, and returns its timing.
     *
     * @throws LabException when that does not happen within {@code timeout}, naming how far it got
     */
    public static PinholeTiming await(
            LiveGateway gateway,
            PinholeWatcher watcher,
            Predicate<ExpectationEvent> which,
            Duration timeout) {
        TopicReader reader =
                new TopicReader(
                        gateway.kafka().getProperty("bootstrap.servers"),
                        gateway.kafka().getProperty("schema.registry.url"));
        long deadline = System.nanoTime() + timeout.toNanos();
        String progress = "no expectation yet";
        while (System.nanoTime() < deadline) {
            Optional<ExpectationEvent> created =
                    reader
                            .readAll(gateway.topic(Topics.EXPECTATIONS), ExpectationEvent.class)
                            .stream()
                            .filter(e -> e.getType() == ExpectationEventType.CREATED)
                            .filter(which)
                            .findFirst();
            if (created.isPresent()) {
                ExpectationEvent exp = created.get();
                progress = "expectation " + exp.getExpectationId() + " but no ALLOW verdict yet";
                // the committed ALLOW and its tentative copy (streams-app README): the pinhole is
                // in when the first is
                List<TopicReader.Timed<Verdict>> verdicts =
                        new ArrayList<>(
                                reader.readAllTimed(gateway.topic(Topics.VERDICTS), Verdict.class));
                verdicts.addAll(
                        reader.readAllTimed(
                                gateway.topic(Topics.VERDICTS_TENTATIVE), Verdict.class));
                List<TopicReader.Timed<Verdict>> allows =
                        verdicts.stream()
                                .filter(v -> v.value().getAction() == VerdictAction.ALLOW)
                                .filter(
                                        v ->
                                                exp.getExpectationId()
                                                        .equals(
                                                                v.value()
                                                                        .getEvidence()
                                                                        .getExpectationId()))
                                .toList();
                List<EnforcementReport> reports =
                        allows.isEmpty()
                                ? List.of()
                                : reader.readAll(
                                        gateway.topic(Topics.REPORTS), EnforcementReport.class);
                PinholeTiming earliest = null;
                for (TopicReader.Timed<Verdict> allow : allows) {
                    Verdict v = allow.value();
                    NftElement element =
                            VerdictElements.of(VerdictAction.ALLOW, v.getMatch()).get(0);
                    progress = "verdict " + v.getVerdictId() + " but no APPLIED report yet";
                    Optional<EnforcementReport> report =
                            reports.stream()
                                    .filter(r -> r.getVerdictId().equals(v.getVerdictId()))
                                    .filter(r -> r.getOutcome() == EnforcementOutcome.APPLIED)
                                    .findFirst();
                    Optional<Instant> seen = watcher.firstSeen(element);
                    if (report.isPresent()) {
                        progress =
                                "verdict "
                                        + v.getVerdictId()
                                        + " applied but "
                                        + element
                                        + " not listed in nft yet";
                    }
                    if (report.isPresent() && seen.isPresent()) {
                        EnforcementReport r = report.get();
                        Instant applied =
                                r.getVerdictToElementMicros() != null
                                        ? allow.timestamp()
                                                .plusNanos(r.getVerdictToElementMicros() * 1000L)
                                        : micros(r.getReportedAtMicros());
                        if (earliest == null || applied.isBefore(earliest.appliedAt())) {
                            earliest =
                                    new PinholeTiming(
                                            exp.getExpectationId(),
                                            String.valueOf(exp.getEvidence()),
                                            micros(exp.getCreatedMicros()),
                                            allow.timestamp(),
                                            applied,
                                            seen.get(),
                                            v.getMatch().getDstPort());
                        }
                    }
                }
                if (earliest != null) {
                    return earliest;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted", e);
            }
        }
        throw new LabException(
                "no pinhole within "
                        + timeout
                        + ": "
                        + progress
                        + (watcher.lastError() == null
                                ? ""
                                : " (nft: " + watcher.lastError() + ")"));
    }

    private static Instant micros(long micros) {
        return Instant.ofEpochSecond(
                Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    }
}
