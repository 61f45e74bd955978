package io.clinicalpipeline.model.eval;

import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.FeatureDefinition;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page (inline SVG, no scripts or external files) with a model's evaluation: metrics next
 * to the baseline's on the same rows with bootstrap intervals, a breakdown by outcome type, ROC curves, the
 * calibration curve and table, the confusion matrix, and global feature importance from the contributions every score
 * carries.
 */
public final class HtmlReport {

    /** Input columns the importance section (and the metrics JSON) lists, at most. */
    public static final int CONTRIBUTIONS_SHOWN = 20;
    private static final int SIZE = 320;

    private HtmlReport() {}

    /**
     * @param title     e.g. "deterioration v3"
     * @param details   shown as a key/value list (input, algorithm, rows …)
     * @param contributions each input column's mean |contribution| to the log-odds, largest first (may be empty)
     */
    public static String render(String title, Map<String, String> details, Evaluation evaluation, String baselineName,
                                Map<String, Double> contributions) {
        BinaryMetrics model = evaluation.model();
        BinaryMetrics baseline = evaluation.baseline();
        Bootstrap.Result ci = evaluation.uncertainty();
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title><style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;"
                        + "margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;text-align:right}"
                        + "th{background:#f3f3f3}.charts{display:flex;gap:2em;flex-wrap:wrap}"
                        + ".model{stroke:#1f77b4}.baseline{stroke:#d62728}td.bar{text-align:left;width:240px}"
                        + ".bar div{background:#1f77b4;height:10px}</style></head><body>");
        h.append("<h1>").append(escape(title)).append("</h1><ul>");
        details.forEach((k, v) -> h.append("<li><b>").append(escape(k)).append("</b>: ").append(escape(v)).append("</li>"));
        h.append("</ul><h2>Test metrics</h2><table><tr><th></th><th>model</th>");
        if (baseline != null) {
            h.append("<th>").append(escape(baselineName)).append("</th>");
        }
        h.append("</tr>");
        row(h, "AUROC", model.auroc(), baseline == null ? null : baseline.auroc());
        intervals(h, "AUROC 95% CI", ci.auroc(), ci.baselineAuroc());
        row(h, "AUPRC", model.auprc(), baseline == null ? null : baseline.auprc());
        intervals(h, "AUPRC 95% CI", ci.auprc(), ci.baselineAuprc());
        row(h, "precision", model.confusion().precision(), baseline == null ? null : baseline.confusion().precision());
        row(h, "recall", model.confusion().recall(), baseline == null ? null : baseline.confusion().recall());
        row(h, "F1", model.confusion().f1(), baseline == null ? null : baseline.confusion().f1());
        row(h, "threshold", model.threshold(), baseline == null ? null : baseline.threshold());
        row(h, "Brier score", model.brier(), null);
        h.append(String.format(Locale.ROOT, "</table><p>%,d test rows, %,d positive. Intervals: percentile bootstrap, %d "
                + "resamples of the %,d %s.", model.rows(), model.positives(), ci.resamples(), ci.units(), ci.unit()));
        if (ci.aurocDifference() != null) {
            h.append(String.format(Locale.ROOT, " AUROC minus %s's: %s (95%% CI %s to %s).", escape(baselineName),
                    fmt(model.auroc() - baseline.auroc()), fmt(ci.aurocDifference().low()), fmt(ci.aurocDifference().high())));
        }
        h.append("</p>");
        if (!evaluation.byOutcome().isEmpty()) {
            h.append("<h2>By outcome type</h2><p>Each type's positive rows against all negative rows.</p><table><tr>"
                    + "<th>outcome</th><th>positive rows</th><th>AUROC</th><th>AUPRC</th>");
            if (baseline != null) {
                h.append("<th>").append(escape(baselineName)).append(" AUROC</th><th>").append(escape(baselineName))
                        .append(" AUPRC</th>");
            }
            h.append("</tr>");
            evaluation.byOutcome().forEach((type, b) -> {
                h.append(String.format(Locale.ROOT, "<tr><th>%s</th><td>%,d</td><td>%s</td><td>%s</td>", escape(type),
                        b.positives(), fmt(b.auroc()), fmt(b.auprc())));
                if (baseline != null) {
                    h.append("<td>").append(fmt(b.baselineAuroc())).append("</td><td>").append(fmt(b.baselineAuprc()))
                            .append("</td>");
                }
                h.append("</tr>");
            });
            h.append("</table>");
        }
        importance(h, contributions);
        h.append("<div class=\"charts\"><div><h2>ROC</h2>").append(roc(model, baseline)).append("</div>");
        h.append("<div><h2>Calibration</h2>").append(calibration(model)).append("</div></div>");
        BinaryMetrics.Confusion c = model.confusion();
        h.append(String.format(Locale.ROOT, "<h2>Confusion matrix at %.2f</h2><table><tr><th></th><th>predicted +</th>"
                        + "<th>predicted −</th></tr><tr><th>actual +</th><td>%,d</td><td>%,d</td></tr><tr><th>actual −</th>"
                        + "<td>%,d</td><td>%,d</td></tr></table>", model.threshold(), c.truePositives(),
                c.falseNegatives(), c.falsePositives(), c.trueNegatives()));
        h.append("<h2>Calibration table</h2><table><tr><th>score bin</th><th>rows</th><th>mean score</th>"
                + "<th>observed rate</th></tr>");
        for (BinaryMetrics.CalibrationBin b : model.calibration()) {
            h.append(String.format(Locale.ROOT, "<tr><td>%.1f–%.1f</td><td>%,d</td><td>%s</td><td>%s</td></tr>", b.lower(),
                    b.upper(), b.rows(), fmt(b.meanScore()), fmt(b.positiveRate())));
        }
        return h.append("</table></body></html>\n").toString();
    }

    private static void importance(StringBuilder h, Map<String, Double> contributions) {
        if (contributions.isEmpty()) {
            return;
        }
        double largest = contributions.values().iterator().next();
        h.append("<h2>Feature importance</h2><p>Each input's mean absolute contribution to the log-odds over training "
                + "rows: the same contributions (coefficient × value for logistic regression, TreeSHAP for boosted trees) "
                + "that every score carries.</p><table><tr><th>feature</th><th>in words</th><th>mean |contribution|</th>"
                + "<th></th></tr>");
        contributions.entrySet().stream().limit(CONTRIBUTIONS_SHOWN).forEach(e -> h.append(String.format(Locale.ROOT,
                "<tr><th>%s</th><td>%s</td><td>%s</td><td class=\"bar\"><div style=\"width:%.1f%%\"></div></td></tr>",
                escape(e.getKey()), escape(label(e.getKey())), fmt(e.getValue()),
                largest > 0 ? 100 * e.getValue() / largest : 0)));
        h.append("</table>");
    }

    private static String label(String feature) {
        FeatureDefinition d = FeatureCalculator.definition(feature);
        return d == null ? "" : d.label();
    }

    private static void intervals(StringBuilder h, String name, Bootstrap.Interval model, Bootstrap.Interval baseline) {
        h.append("<tr><th>").append(name).append("</th><td>").append(interval(model)).append("</td>");
        if (baseline != null) {
            h.append("<td>").append(interval(baseline)).append("</td>");
        }
        h.append("</tr>");
    }

    private static String interval(Bootstrap.Interval i) {
        return fmt(i.low()) + " – " + fmt(i.high());
    }

    private static void row(StringBuilder h, String name, double model, Double baseline) {
        h.append("<tr><th>").append(name).append("</th><td>").append(fmt(model)).append("</td>");
        if (baseline != null) {
            h.append("<td>").append(fmt(baseline)).append("</td>");
        }
        h.append("</tr>");
    }

    private static String roc(BinaryMetrics model, BinaryMetrics baseline) {
        StringBuilder svg = frame("false positive rate", "true positive rate");
        svg.append(polyline(model.roc().stream().map(p -> new double[] {p.falsePositiveRate(), p.truePositiveRate()})
                .toList(), "model"));
        if (baseline != null) {
            svg.append(polyline(baseline.roc().stream().map(p -> new double[] {p.falsePositiveRate(), p.truePositiveRate()})
                    .toList(), "baseline"));
        }
        return svg.append("</svg>").toString();
    }

    private static String calibration(BinaryMetrics model) {
        StringBuilder svg = frame("mean predicted risk", "observed rate");
        List<double[]> points = model.calibration().stream().filter(b -> b.rows() > 0)
                .map(b -> new double[] {b.meanScore(), b.positiveRate()}).toList();
        svg.append(polyline(points, "model"));
        for (double[] p : points) {
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\"/>", x(p[0]), y(p[1])));
        }
        return svg.append("</svg>").toString();
    }

    private static StringBuilder frame(String xLabel, String yLabel) {
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"-40 -10 %d %d\">",
                SIZE + 60, SIZE + 50, SIZE + 60, SIZE + 50));
        svg.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#999\"/>", SIZE, SIZE));
        svg.append(String.format(Locale.ROOT, "<line x1=\"0\" y1=\"%d\" x2=\"%d\" y2=\"0\" stroke=\"#bbb\" stroke-dasharray=\"4\"/>", SIZE, SIZE));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>",
                SIZE / 2, SIZE + 30, xLabel));
        svg.append(String.format(Locale.ROOT, "<text x=\"-28\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 -28 %d)\">%s</text>", SIZE / 2, SIZE / 2, yLabel));
        return svg;
    }

    private static String polyline(List<double[]> points, String cssClass) {
        StringBuilder p = new StringBuilder("<polyline fill=\"none\" stroke-width=\"2\" class=\"" + cssClass + "\" points=\"");
        for (double[] point : points) {
            p.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(point[0]), y(point[1])));
        }
        return p.append("\"/>").toString();
    }

    private static double x(double v) {
        return v * SIZE;
    }

    private static double y(double v) {
        return (1 - v) * SIZE;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
