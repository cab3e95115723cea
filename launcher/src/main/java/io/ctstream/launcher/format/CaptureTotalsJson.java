package io.ctstream.launcher.format;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ctstream.capture.agent.CaptureTotals;
import java.math.BigDecimal;
import java.util.Locale;
import java.util.Map;

/**
 * A sensor's capture totals as the report's {@code capture} object: counts by name, reasons as
 * lower-case keys.
 */
public final class CaptureTotalsJson {
    private CaptureTotalsJson() {}

    public static ObjectNode of(CaptureTotals t) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("captured", t.captured());
        n.put("decoded", t.decoded());
        n.put("fragments", t.fragments());
        reasons(n.putObject("rejected"), t.rejected());
        n.put("published", t.published());
        n.put("records", t.records());
        reasons(n.putObject("dropped"), t.dropped());
        n.put("producer_errors", t.producerErrors());
        n.put("seconds", BigDecimal.valueOf(t.elapsed().toNanos() / 1000).movePointLeft(6));
        return n;
    }

    private static void reasons(ObjectNode into, Map<? extends Enum<?>, Long> counts) {
        counts.forEach(
                (reason, n) ->
                        into.put(reason.name().toLowerCase(Locale.ROOT).replace('_', '-'), n));
    }
}
