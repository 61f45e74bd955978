package io.clinicalpipeline.scoring;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.model.features.FeatureCalculator;
import io.clinicalpipeline.model.features.FeatureDefinition;
import io.clinicalpipeline.model.ml.Explanation;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.List;

/**
 * A score's explanation as it is written where the score goes: JSON for {@code model_predictions}, Redis and the
 * alerts, and a sentence a clinician reads, in the feature catalogue's words, e.g.
 * {@code respiratory rate, latest in 1 h: 27 breaths/min, +0.90}. Columns the catalogue does not define (a model
 * trained on another table) are named as they are.
 */
public final class Explanations {

    /** How many contributions an alert's reason names. */
    public static final int IN_REASON = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final double[] POWERS = {1, 10, 100, 1000};

    private Explanations() {}

    /**
     * {@code [{"feature": …, "value": …, "contribution": …}, …]} in the order given, written straight from the
     * contributions: building a tree of JSON nodes per score cost more than the score.
     */
    public static String jsonText(List<Explanation.Contribution> contributions) {
        StringWriter text = new StringWriter(64 * contributions.size());
        try (JsonGenerator g = JSON.getFactory().createGenerator(text)) {
            g.writeStartArray();
            for (Explanation.Contribution c : contributions) {
                g.writeStartObject();
                g.writeStringField("feature", c.feature());
                g.writeFieldName("value");
                Object v = c.value();
                if (v == null) {
                    g.writeNull();
                } else if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
                    g.writeNumber(((Number) v).longValue());
                } else if (v instanceof Number n) {
                    g.writeNumber(n.doubleValue());
                } else if (v instanceof Boolean b) {
                    g.writeBoolean(b);
                } else {
                    g.writeString(v.toString());
                }
                g.writeNumberField("contribution", c.contribution());
                g.writeEndObject();
            }
            g.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write contributions as JSON", e);
        }
        return text.toString();
    }

    /** The first {@link #IN_REASON} contributions in words, separated by "; ". */
    public static String reason(List<Explanation.Contribution> contributions) {
        StringBuilder sentence = new StringBuilder();
        for (Explanation.Contribution c : contributions.subList(0, Math.min(IN_REASON, contributions.size()))) {
            if (sentence.length() > 0) {
                sentence.append("; ");
            }
            FeatureDefinition d = FeatureCalculator.definition(c.feature());
            sentence.append(d == null ? c.feature() : d.label()).append(": ").append(value(c.value(), d)).append(", ")
                    .append(c.contribution() < 0 ? '-' : '+').append(decimal(Math.abs(c.contribution()), 2, false));
        }
        return sentence.toString();
    }

    private static String value(Object value, FeatureDefinition d) {
        if (value == null) {
            return "not measured";
        }
        if (value instanceof Boolean b) {
            return b ? "yes" : "no";
        }
        if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
            // Three significant digits, as a chart shows them (36.9 °C, 4.13 mmol/L); whole numbers from 100 up.
            double v = n.doubleValue();
            int digitsBeforePoint = v == 0 ? 1 : Math.max(1, (int) Math.floor(Math.log10(Math.abs(v))) + 1);
            String number = decimal(v, Math.max(0, 3 - digitsBeforePoint), true);
            return d == null || d.unit().isEmpty() ? number : number + " " + d.unit();
        }
        return value.toString();
    }

    /** {@code v} rounded half up to {@code places} decimals; trailing zeros dropped if {@code strip}. */
    private static String decimal(double v, int places, boolean strip) {
        BigDecimal rounded = BigDecimal.valueOf(Math.round(v * POWERS[places]), places);
        return strip ? rounded.stripTrailingZeros().toPlainString() : rounded.toPlainString();
    }
}
