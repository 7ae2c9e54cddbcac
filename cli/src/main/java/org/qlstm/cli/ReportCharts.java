package org.qlstm.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.svg.SVGGraphics2D;

/**
 * The report's charts, drawn by JFreeChart into JFreeSVG's {@code Graphics2D} and returned as {@code <svg>}
 * elements to inline in the page: vector, self-contained, nothing fetched when the page is viewed.
 */
final class ReportCharts {

    /** One chart: a caption and its SVG element. */
    record Chart(String id, String caption, String svg) {
    }

    private static final int WIDTH = 760;
    private static final int HEIGHT = 340;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd)};

    private ReportCharts() {
    }

    /** The charts of {@code data}, in page order; as many as {@link ReportData#chartCount()}. */
    static List<Chart> of(ReportData data) {
        List<Chart> charts = new ArrayList<>();
        if (data.floatVsTorch().present()) {
            charts.add(histogram("chart-float-vs-torch", data.floatVsTorch().value()));
        }
        charts.add(histogram("chart-int8-vs-float", data.int8VsFloat()));
        if (data.int8VsTorch().present()) {
            charts.add(histogram("chart-int8-vs-torch", data.int8VsTorch().value()));
        }
        if (!data.weights().isEmpty()) {
            charts.add(weights(data.weights()));
        }
        charts.add(chunkLosses(data.chunks(), data.model().engine()));
        charts.add(speed(data.speed(), data.model().engine()));
        return charts;
    }

    private static Chart histogram(String id, ReportData.Histogram h) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        LogHistogram bins = h.histogram();
        for (int i = 0; i < bins.counts().length; i++) {
            dataset.addValue(bins.counts()[i], "logits", bins.labels().get(i));
        }
        JFreeChart chart = ChartFactory.createBarChart(h.title(), "|logit error| (log-scale bins; 0 = bit-exact)",
                "logits", dataset, PlotOrientation.VERTICAL, false, false, false);
        styleBars(chart);
        return render(id, h.title(), chart);
    }

    private static Chart weights(List<WeightErrors.TensorError> tensors) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (WeightErrors.TensorError t : tensors) {
            dataset.addValue(t.maxError(), "max |w − dequant(q)|", t.name());
            dataset.addValue(t.rmsError(), "RMS error", t.name());
            dataset.addValue(t.bound(), "bound scale/2", t.name());
        }
        String title = "Weight quantization error per tensor";
        JFreeChart chart = ChartFactory.createBarChart(title, "tensor", "error", dataset,
                PlotOrientation.VERTICAL, true, false, false);
        styleBars(chart);
        chart.getCategoryPlot().getDomainAxis().setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        return render("chart-weights", title, chart);
    }

    private static Chart chunkLosses(ReportData.ChunkLosses c, String engine) {
        XYSeriesCollection losses = new XYSeriesCollection();
        XYSeriesCollection deltas = new XYSeriesCollection();
        int n = c.oursFloat().length;
        losses.addSeries(series("qlstm float", c.oursFloat(), n));
        losses.addSeries(series("qlstm int8 " + engine, c.ours8(), n));
        deltas.addSeries(difference("int8 − float (qlstm)", c.ours8(), c.oursFloat()));
        if (c.torchFloat().present()) {
            losses.addSeries(series("PyTorch float", c.torchFloat().value(), n));
            deltas.addSeries(difference("float: qlstm − PyTorch", c.oursFloat(), c.torchFloat().value()));
        }
        if (c.torchInt8().present()) {
            losses.addSeries(series("PyTorch int8 " + engine, c.torchInt8().value(), n));
            deltas.addSeries(difference("int8: qlstm − PyTorch", c.ours8(), c.torchInt8().value()));
        }
        // The losses lie on one another at this scale; the lower panel shows their differences.
        NumberAxis lossAxis = new NumberAxis("loss");
        lossAxis.setAutoRangeIncludesZero(false);
        XYPlot top = new XYPlot(losses, null, lossAxis, lines(losses.getSeriesCount(), 2, 0));
        NumberAxis deltaAxis = new NumberAxis("difference");
        deltaAxis.setAutoRangeIncludesZero(true);
        XYPlot bottom = new XYPlot(deltas, null, deltaAxis, lines(deltas.getSeriesCount(), deltas.getSeriesCount(), 2));
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("chunk"));
        plot.add(top, 3);
        plot.add(bottom, 2);
        String title = "Loss per chunk along the test split (bptt 25, batch 1)";
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        style(chart);
        top.setBackgroundPaint(new Color(0xf7f7f7));
        bottom.setBackgroundPaint(new Color(0xf7f7f7));
        return render("chart-chunk-losses", title, chart, 460);
    }

    /** Line renderer; series from {@code dashedFrom} on are dashed (PyTorch's, drawn over ours). */
    private static XYLineAndShapeRenderer lines(int count, int dashedFrom, int firstColour) {
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        for (int s = 0; s < count; s++) {
            renderer.setSeriesPaint(s, PALETTE[(s + firstColour) % PALETTE.length]);
            renderer.setSeriesStroke(s, s < dashedFrom ? new BasicStroke(1.4f)
                    : new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f},
                    0f));
        }
        return renderer;
    }

    private static XYSeries difference(String name, double[] a, double[] b) {
        XYSeries series = new XYSeries(name, false, true);
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            series.add(i, a[i] - b[i]);
        }
        return series;
    }

    private static Chart speed(ReportData.Speed s, String engine) {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        dataset.addValue(s.floatTokensPerSecond(), "qlstm (Java)", "float");
        dataset.addValue(s.int8TokensPerSecond(), "qlstm (Java)", "int8 " + engine);
        if (s.torch().present()) {
            TorchSpeed t = s.torch().value();
            for (TorchSpeed.Mode mode : t.modes()) {
                dataset.addValue(mode.tokensPerSecond(t.predictions()), "PyTorch " + t.torch(), mode.name());
            }
        }
        String title = "Evaluation speed (tokens/s, median of " + s.rounds() + " alternated round"
                + (s.rounds() == 1 ? ")" : "s)");
        JFreeChart chart = ChartFactory.createBarChart(title, "mode", "tokens per second", dataset,
                PlotOrientation.VERTICAL, true, false, false);
        styleBars(chart);
        return render("chart-speed", title, chart);
    }

    /** The first {@code n} values as (index, value) points. */
    private static XYSeries series(String name, double[] values, int n) {
        XYSeries series = new XYSeries(name, false, true);
        for (int i = 0; i < Math.min(n, values.length); i++) {
            series.add(i, values[i]);
        }
        return series;
    }

    private static void styleBars(JFreeChart chart) {
        style(chart);
        CategoryPlot plot = chart.getCategoryPlot();
        BarRenderer renderer = (BarRenderer) plot.getRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0.05);
        for (int s = 0; s < plot.getDataset().getRowCount(); s++) {
            renderer.setSeriesPaint(s, PALETTE[s % PALETTE.length]);
        }
    }

    private static void style(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.getTitle().setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        chart.getPlot().setBackgroundPaint(new Color(0xf7f7f7));
    }

    private static Chart render(String id, String caption, JFreeChart chart) {
        return render(id, caption, chart, HEIGHT);
    }

    private static Chart render(String id, String caption, JFreeChart chart, int height) {
        SVGGraphics2D g = new SVGGraphics2D(WIDTH, height);
        // Several SVGs share one page: a distinct prefix keeps their clip-path ids apart.
        g.setDefsKeyPrefix(id + "-");
        chart.draw(g, new Rectangle2D.Double(0, 0, WIDTH, height));
        return new Chart(id, caption, g.getSVGElement(id));
    }
}
