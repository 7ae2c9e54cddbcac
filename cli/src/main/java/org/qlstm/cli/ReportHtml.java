package org.qlstm.cli;

import java.util.List;
import java.util.Locale;

/**
 * The report as one self-contained HTML page: inline CSS, inline SVG charts, tables, and a small inline script
 * that checks after load that each chart rendered (non-empty bounding box, child elements) and records the count
 * in {@code <body data-charts-rendered="N/M">} for a headless browser to read. Nothing refers outside the page.
 */
final class ReportHtml {

    private ReportHtml() {
    }

    /** The page for {@code data} with its {@code charts}. */
    static String render(ReportData data, List<ReportCharts.Chart> charts) {
        StringBuilder h = new StringBuilder(1 << 18);
        ReportData.ModelInfo m = data.model();
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<title>qlstm parity report</title>\n<style>\n").append(CSS).append("</style>\n</head>\n")
                .append("<body data-charts-expected=\"").append(charts.size()).append("\">\n")
                .append("<h1>qlstm parity report</h1>\n<table class=\"kv\">\n");
        row(h, "model", m.file());
        row(h, "model sha256", m.sha256());
        row(h, "shape", m.shape());
        row(h, "int8 engine", m.engine());
        row(h, "threads", Integer.toString(m.threads()));
        row(h, "test tokens evaluated", String.format(Locale.ROOT, "%,d of %,d", m.tokens(), m.testTokens()));
        row(h, "goldens read from", data.goldenSource());
        h.append("</table>\n");

        int next = 0;
        h.append("<h2>|logit error|</h2>\n");
        next = histogram(h, data.floatVsTorch(), "float: qlstm vs PyTorch", charts, next);
        next = histogram(h, ReportData.Maybe.of(data.int8VsFloat()), "int8 vs float (both qlstm)", charts, next);
        next = histogram(h, data.int8VsTorch(), "int8: qlstm vs PyTorch", charts, next);

        h.append("<h2>Weight quantization error per tensor</h2>\n");
        if (data.weights().isEmpty()) {
            note(h, "no quantized tensors");
        } else {
            h.append("<table>\n<tr><th>tensor</th><th>shape</th><th>scale</th><th>zero point</th>"
                    + "<th>max |w − dequant(q)|</th><th>RMS error</th><th>bound scale/2</th></tr>\n");
            for (WeightErrors.TensorError t : data.weights()) {
                h.append("<tr><td>").append(esc(t.name())).append("</td><td>").append(t.rows()).append(" × ")
                        .append(t.cols()).append("</td><td>").append(sci(t.scale())).append("</td><td>")
                        .append(t.zeroPoint()).append("</td><td>").append(sci(t.maxError())).append("</td><td>")
                        .append(sci(t.rmsError())).append("</td><td>").append(sci(t.bound())).append("</td></tr>\n");
            }
            h.append("</table>\n");
            figure(h, charts.get(next++));
        }

        ReportData.ChunkLosses c = data.chunks();
        h.append("<h2>Loss per chunk along the test split</h2>\n");
        h.append(String.format(Locale.ROOT, "<p>%d chunks; loss over the evaluated tokens: float %.9f, int8 %.9f "
                + "(int8 − float %+.3e).</p>%n", c.oursFloat().length, c.floatLoss(), c.int8Loss(),
                c.int8Loss() - c.floatLoss()));
        if (c.torchFloat().present()) {
            h.append(String.format(Locale.ROOT, "<p>PyTorch's recorded float chunk losses overlaid; largest "
                    + "|difference| per chunk: %.3e.</p>%n", maxDiff(c.oursFloat(), c.torchFloat().value())));
        } else {
            note(h, c.torchFloat().note());
        }
        if (c.torchInt8().present()) {
            h.append(String.format(Locale.ROOT, "<p>PyTorch's recorded int8 chunk losses overlaid; largest "
                    + "|difference| per chunk: %.3e.</p>%n", maxDiff(c.ours8(), c.torchInt8().value())));
        } else {
            note(h, c.torchInt8().note());
        }
        figure(h, charts.get(next++));

        ReportData.Speed s = data.speed();
        h.append("<h2>Speed</h2>\n<table>\n<tr><th></th><th>median wall s</th><th>tokens/s</th>"
                + "<th>qlstm's speed-up over it</th></tr>\n");
        speedRow(h, "qlstm float", s.floatSeconds(), s.predictions(), null);
        speedRow(h, "qlstm int8 " + m.engine(), s.int8Seconds(), s.predictions(), null);
        if (s.torch().present()) {
            TorchSpeed t = s.torch().value();
            for (TorchSpeed.Mode mode : t.modes()) {
                // Float against our float; every int8 engine against our int8 (the report's engine).
                double ours = mode.name().equals("float") ? s.floatSeconds() : s.int8Seconds();
                speedRow(h, "PyTorch " + t.torch() + " " + mode.name(), mode.seconds(), t.predictions(),
                        mode.seconds() / ours);
            }
        }
        h.append("</table>\n");
        h.append(String.format(Locale.ROOT, "<p>%,d predictions per evaluation, %d round%s alternating float and "
                + "int8, %d kernel thread%s; int8 speed-up %.2fx.</p>%n", s.predictions(), s.rounds(),
                s.rounds() == 1 ? "" : "s", m.threads(), m.threads() == 1 ? "" : "s",
                s.floatSeconds() / s.int8Seconds()));
        if (s.torch().present()) {
            TorchSpeed t = s.torch().value();
            h.append(String.format(Locale.ROOT, "<p>PyTorch's timings: %s (reference/bench_torch.py on this "
                    + "machine: the same model and tokens, %d thread%s, median of %d round%s).</p>%n", esc(t.file()),
                    t.threads(), t.threads() == 1 ? "" : "s", t.rounds(), t.rounds() == 1 ? "" : "s"));
        } else {
            note(h, s.torch().note());
        }
        figure(h, charts.get(next++));

        h.append("<h2>Provenance of the goldens</h2>\n<table>\n<tr><th>file</th><th>torch</th><th>engine</th>"
                + "<th>seed</th><th>script</th><th>model sha256</th></tr>\n");
        for (ReportData.Provenance p : data.provenance()) {
            h.append("<tr><td>").append(esc(p.file())).append("</td><td>").append(esc(dash(p.torch())))
                    .append("</td><td>").append(esc(dash(p.engine()))).append("</td><td>")
                    .append(esc(dash(p.seed()))).append("</td><td>").append(esc(dash(p.script())))
                    .append("</td><td class=\"sha\" title=\"").append(esc(dash(p.modelSha256()))).append("\">")
                    .append(esc(p.modelSha256() == null ? "—" : PyTorchRecords.abbreviate(p.modelSha256())))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");
        if (data.provenance().isEmpty()) {
            note(h, "no golden files found");
        }
        h.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        if (next != charts.size()) {
            throw new IllegalStateException("the page placed " + next + " of " + charts.size() + " charts");
        }
        return h.toString();
    }

    private static int histogram(StringBuilder h, ReportData.Maybe<ReportData.Histogram> maybe, String heading,
                                 List<ReportCharts.Chart> charts, int next) {
        h.append("<h3>").append(esc(heading)).append("</h3>\n");
        if (!maybe.present()) {
            note(h, maybe.note());
            return next;
        }
        ReportData.Histogram hist = maybe.value();
        LogHistogram b = hist.histogram();
        h.append(String.format(Locale.ROOT, "<p>%s. %,d logits: max %s, RMS %s, bit-identical %,d (%.1f%%).</p>%n",
                esc(hist.inputs()), b.total(), sci(b.max()), sci(b.rms()), b.zeros(),
                b.total() == 0 ? 0.0 : 100.0 * b.zeros() / b.total()));
        figure(h, charts.get(next));
        return next + 1;
    }

    private static void figure(StringBuilder h, ReportCharts.Chart chart) {
        h.append("<figure class=\"chart\" id=\"").append(esc(chart.id())).append("-figure\">\n")
                .append(chart.svg()).append("\n<figcaption>").append(esc(chart.caption()))
                .append("</figcaption>\n</figure>\n");
    }

    private static void row(StringBuilder h, String key, String value) {
        h.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(dash(value))).append("</td></tr>\n");
    }

    private static void note(StringBuilder h, String text) {
        h.append("<p class=\"note\">").append(esc(text)).append("</p>\n");
    }

    private static double maxDiff(double[] ours, double[] theirs) {
        double max = 0;
        for (int i = 0; i < Math.min(ours.length, theirs.length); i++) {
            max = Math.max(max, Math.abs(ours[i] - theirs[i]));
        }
        return max;
    }

    private static String sci(double v) {
        return String.format(Locale.ROOT, "%.3e", v);
    }

    private static String dash(String s) {
        return s == null ? "—" : s;
    }

    /** HTML text escaping. */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                default -> out.append(ch);
            }
        }
        return out.toString();
    }

    private static final String CSS = """
            body { font-family: "DejaVu Sans", sans-serif; margin: 24px auto; max-width: 820px; color: #222; }
            h1 { font-size: 22px; } h2 { font-size: 18px; margin-top: 32px; border-bottom: 1px solid #ccc; }
            h3 { font-size: 15px; }
            table { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
            th, td { border: 1px solid #ccc; padding: 3px 7px; text-align: left; }
            td.sha { font-family: monospace; font-size: 12px; }
            p.note { color: #8a5a00; font-style: italic; }
            figure.chart { margin: 8px 0; } figure.chart svg { display: block; }
            figcaption { font-size: 12px; color: #555; }
            """;

    /** Counts the charts that rendered: an SVG with a non-empty bounding box and children, or a decoded image. */
    private static final String SCRIPT = """
            window.addEventListener('load', function () {
              var charts = document.querySelectorAll('figure.chart > svg, figure.chart > img');
              var ok = 0;
              charts.forEach(function (c) {
                if (c.tagName.toLowerCase() === 'img') {
                  if (c.complete && c.naturalWidth > 0) { ok++; }
                } else {
                  var box = c.getBBox();
                  if (box.width > 0 && box.height > 0 && c.childElementCount > 0) { ok++; }
                }
              });
              document.body.dataset.chartsRendered = ok + '/' + charts.length;
            });
            """;

    private static void speedRow(StringBuilder h, String name, double seconds, long predictions, Double speedUp) {
        h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%.4f</td><td>%.0f</td><td>%s</td></tr>%n", esc(name),
                seconds, predictions / seconds, speedUp == null ? "" : String.format(Locale.ROOT, "%.2fx", speedUp)));
    }
}
