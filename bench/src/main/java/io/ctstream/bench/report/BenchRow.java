package io.ctstream.bench.report;

/**
 * One line of the bench table: what was measured, its value, and (when it has one) the baseline it
 * is compared with and the ratio value / baseline — the figure that matters, since absolute numbers
 * depend on the machine.
 */
public record BenchRow(
        String section,
        String measure,
        double value,
        String unit,
        String baseline,
        double baselineValue,
        String note) {

    /** A measure without a baseline. */
    public static BenchRow plain(
            String section, String measure, double value, String unit, String note) {
        return new BenchRow(section, measure, value, unit, null, Double.NaN, note);
    }

    /** A measure next to its baseline (same unit). */
    public static BenchRow versus(
            String section,
            String measure,
            double value,
            String unit,
            String baseline,
            double baselineValue,
            String note) {
        return new BenchRow(section, measure, value, unit, baseline, baselineValue, note);
    }

    public boolean hasRatio() {
        return baseline != null && baselineValue > 0 && !Double.isNaN(value);
    }

    public double ratio() {
        return hasRatio() ? value / baselineValue : Double.NaN;
    }
}
