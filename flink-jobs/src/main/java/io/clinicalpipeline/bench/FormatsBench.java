package io.clinicalpipeline.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.generator.EventGenerator;
import io.clinicalpipeline.generator.GeneratedEvent;
import io.clinicalpipeline.generator.GeneratorConfig;
import io.clinicalpipeline.interop.CodeMapping;
import io.clinicalpipeline.interop.FhirTranslator;
import io.clinicalpipeline.interop.FhirWriter;
import io.clinicalpipeline.interop.Hl7v2Translator;
import io.clinicalpipeline.interop.Hl7v2Writer;
import io.clinicalpipeline.interop.Translation;
import io.clinicalpipeline.silver.ParseOutcome;
import io.clinicalpipeline.silver.SilverRules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.ToIntFunction;

/**
 * Parse-and-map throughput of hospital formats against the pipeline's JSON, in one thread, on the same simulated
 * events: the JSON through the silver rules, the same events as FHIR (and vitals and labs as HL7 v2) translated and
 * then through the same rules. Medians of alternating passes, after one pass of each to warm up.
 */
public final class FormatsBench {

    private static final int PASSES = 7;

    private FormatsBench() {}

    public record Settings(int patients, Duration hours, long seed) {}

    private record Encoded(EventKind kind, long received, byte[] json, byte[] fhir, byte[] hl7) {}

    public static void run(Settings s) throws Exception {
        CodeMapping mapping = CodeMapping.builtIn();
        FhirWriter fhirWriter = new FhirWriter(mapping);
        Hl7v2Writer hl7Writer = new Hl7v2Writer(mapping);
        SilverRules rules = new SilverRules();
        ObjectMapper json = new ObjectMapper();
        System.out.printf(Locale.ROOT, "bench: generating %d patients over %s and writing them as FHIR and HL7 v2 ...%n",
                s.patients(), s.hours());
        List<Encoded> events = new ArrayList<>();
        EventGenerator generator = new EventGenerator(GeneratorConfig.defaults(s.patients(), s.hours(), s.seed()));
        while (generator.hasNext()) {
            GeneratedEvent e = generator.next();
            // Faults are the JSON path's own (malformed payloads): compare the formats on what all of them can carry.
            if (rules.apply(e.kind(), e.value(), e.sendTimeMillis()) instanceof ParseOutcome.Valid) {
                var node = json.readTree(e.value());
                events.add(new Encoded(e.kind(), e.sendTimeMillis(), e.value(), fhirWriter.write(e.kind(), node),
                        Hl7v2Writer.writes(e.kind()) ? hl7Writer.write(e.kind(), node) : null));
            }
        }
        List<Encoded> oru = events.stream().filter(e -> e.hl7() != null).toList();
        FhirTranslator fhir = new FhirTranslator(mapping);
        try (Hl7v2Translator hl7 = new Hl7v2Translator(mapping)) {
            ToIntFunction<Encoded> viaJson = e -> rules.apply(e.kind(), e.json(), e.received()) instanceof ParseOutcome.Valid ? 1 : 0;
            ToIntFunction<Encoded> viaFhir = e -> silver(fhir.translate(e.fhir(), Instant.ofEpochMilli(e.received())), rules,
                    json, e.received());
            ToIntFunction<Encoded> viaHl7 = e -> silver(hl7.translate(e.hl7(), Instant.ofEpochMilli(e.received())), rules,
                    json, e.received());
            double[][] rates = new double[4][PASSES];
            for (int pass = -1; pass < PASSES; pass++) {
                double[] r = {rate(events, viaJson), rate(events, viaFhir), rate(oru, viaJson), rate(oru, viaHl7)};
                if (pass >= 0) {
                    for (int k = 0; k < r.length; k++) {
                        rates[k][pass] = r[k];
                    }
                }
            }
            double[] median = new double[4];
            for (int k = 0; k < 4; k++) {
                Arrays.sort(rates[k]);
                median[k] = rates[k][PASSES / 2];
            }
            System.out.println();
            System.out.printf(Locale.ROOT, "bench formats (one thread, median of %d passes, each event parsed, mapped and "
                    + "through the silver rules):%n", PASSES);
            System.out.printf(Locale.ROOT, "  all %,d events: JSON %,.0f events/s; FHIR R4 %,.0f events/s; ratio %.3f "
                    + "(average FHIR message %,d bytes, JSON %,d)%n", events.size(), median[0], median[1], median[1] / median[0],
                    average(events, true), average(events, false));
            System.out.printf(Locale.ROOT, "  the %,d vitals sets and labs: JSON %,.0f events/s; HL7 v2 ORU^R01 %,.0f events/s;"
                    + " ratio %.3f%n", oru.size(), median[2], median[3], median[3] / median[2]);
        }
    }

    private static int silver(Translation t, SilverRules rules, ObjectMapper json, long received) {
        if (!(t instanceof Translation.Mapped m)) {
            throw new IllegalStateException("a message the writer produced could not be read: " + t);
        }
        int valid = 0;
        for (Translation.Event e : m.events()) {
            try {
                valid += rules.apply(e.kind(), json.writeValueAsBytes(e.payload()), received) instanceof ParseOutcome.Valid ? 1 : 0;
            } catch (com.fasterxml.jackson.core.JsonProcessingException ex) {
                throw new IllegalStateException(ex);
            }
        }
        return valid;
    }

    private static double rate(List<Encoded> events, ToIntFunction<Encoded> path) {
        long started = System.nanoTime();
        long valid = 0;
        for (Encoded e : events) {
            valid += path.applyAsInt(e);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        if (valid != events.size()) {
            throw new IllegalStateException(valid + " of " + events.size() + " events reached silver: the formats disagree");
        }
        return events.size() / seconds;
    }

    private static long average(List<Encoded> events, boolean fhir) {
        return events.stream().mapToLong(e -> (fhir ? e.fhir() : e.json()).length).sum() / Math.max(1, events.size());
    }
}
