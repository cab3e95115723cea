package io.ctstream.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * The bench chart: one horizontal bar per ratio of the table, written as a PNG (headless,
 * JFreeChart).
 */
public final class BenchChart {
    private BenchChart() {}

    public static void write(BenchTable table, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        int bars = 0;
        double highest = 0;
        for (BenchRow r : table.rows()) {
            if (r.hasRatio()) {
                highest = Math.max(highest, r.ratio());
                data.addValue(
                        r.ratio(),
                        "ratio",
                        r.section() + ": " + r.measure() + " / " + r.baseline());
                bars++;
            }
        }
        JFreeChart chart =
                ChartFactory.createBarChart(
                        "ctstream bench: ratios (value / baseline)",
                        null,
                        "ratio",
                        data,
                        PlotOrientation.HORIZONTAL,
                        false,
                        false,
                        false);
        chart.addSubtitle(
                new TextTitle(table.conditions(), new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
        // the measures without a baseline (latencies, sizes) as a footer, so the chart tells the
        // whole run
        StringBuilder plain = new StringBuilder();
        for (BenchRow r : table.rows()) {
            if (!r.hasRatio()) {
                plain.append(plain.length() == 0 ? "" : "   ·   ")
                        .append(r.section())
                        .append(": ")
                        .append(r.measure())
                        .append(" = ")
                        .append(BenchTable.number(r.value()))
                        .append(' ')
                        .append(r.unit());
            }
        }
        if (plain.length() > 0) {
            TextTitle footer =
                    new TextTitle(plain.toString(), new Font(Font.SANS_SERIF, Font.PLAIN, 11));
            footer.setPosition(RectangleEdge.BOTTOM);
            footer.setMaximumLinesToDisplay(4);
            chart.addSubtitle(footer);
        }
        chart.setBackgroundPaint(Color.WHITE);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        plot.setInsets(new RectangleInsets(8, 8, 8, 24));
        plot.getDomainAxis().setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        plot.getDomainAxis().setMaximumCategoryLabelWidthRatio(0.6f);
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setSeriesPaint(0, new Color(0x3b7dd8));
        renderer.setShadowVisible(false);
        renderer.setDefaultItemLabelGenerator(
                new StandardCategoryItemLabelGenerator("{2}", new DecimalFormat("0.00#")));
        renderer.setDefaultItemLabelsVisible(true);
        // a reference line at 1.0, "as fast as the baseline", always inside the axis
        plot.getRangeAxis().setRange(0, Math.max(1.1, highest * 1.12));
        plot.addRangeMarker(new ValueMarker(1.0, Color.GRAY, new BasicStroke(1.5f)));
        Files.createDirectories(png.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1200, 220 + 42 * Math.max(1, bars));
    }
}
