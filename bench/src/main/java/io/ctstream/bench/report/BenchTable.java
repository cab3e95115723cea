package io.ctstream.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The rows measured in one run, printed as a Markdown table (readable in a terminal and in a
 * README).
 */
public final class BenchTable {
    private final List<BenchRow> rows = new ArrayList<>();
    private final String conditions;

    /**
     * @param conditions what the numbers were measured under (machine, load, input sizes)
     */
    public BenchTable(String conditions) {
        this.conditions = conditions;
    }

    public synchronized void add(BenchRow row) {
        rows.add(row);
        System.out.println("  => " + line(row));
    }

    /** The same rows under other conditions (the load at the end of the run is known only then). */
    public synchronized BenchTable withConditions(String newConditions) {
        BenchTable t = new BenchTable(newConditions);
        t.rows.addAll(rows);
        return t;
    }

    public synchronized List<BenchRow> rows() {
        return List.copyOf(rows);
    }

    public String conditions() {
        return conditions;
    }

    public synchronized String markdown() {
        StringBuilder b = new StringBuilder();
        b.append(conditions).append("\n\n");
        b.append("| section | measure | value | baseline | baseline value | ratio | note |\n");
        b.append("|---|---|---:|---|---:|---:|---|\n");
        for (BenchRow r : rows) {
            b.append("| ")
                    .append(r.section())
                    .append(" | ")
                    .append(r.measure())
                    .append(" | ")
                    .append(number(r.value()))
                    .append(' ')
                    .append(r.unit())
                    .append(" | ")
                    .append(r.baseline() == null ? "" : r.baseline())
                    .append(" | ")
                    .append(r.baseline() == null ? "" : number(r.baselineValue()) + " " + r.unit())
                    .append(" | ")
                    .append(r.hasRatio() ? ratio(r.ratio()) : "")
                    .append(" | ")
                    .append(r.note() == null ? "" : r.note())
                    .append(" |\n");
        }
        return b.toString();
    }

    public void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, markdown(), StandardCharsets.UTF_8);
    }

    private static String line(BenchRow r) {
        String s = r.section() + " / " + r.measure() + ": " + number(r.value()) + " " + r.unit();
        if (r.baseline() != null) {
            s += " vs " + r.baseline() + " " + number(r.baselineValue()) + " " + r.unit();
        }
        if (r.hasRatio()) {
            s += " -> ratio " + ratio(r.ratio());
        }
        return s;
    }

    /** Two decimals; three below 0.1, so a small ratio is not shown as 0.00. */
    static String ratio(double r) {
        return String.format(Locale.ROOT, r < 0.1 ? "%.3f" : "%.2f", r);
    }

    static String number(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
