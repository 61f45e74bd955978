package io.clinicalpipeline.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clinicalpipeline.events.EventKind;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The one place hospital codes meet the pipeline: which LOINC code is which vital sign or lab test, and which UCUM
 * units it may arrive in, each named as the unit the silver rules convert from (their conversions stay in one place
 * too). Built in as {@code interop/code-mapping.json}; a file of the same shape laid over it adds or replaces codes
 * without a rebuild.
 */
public final class CodeMapping implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final String BUILT_IN = "/interop/code-mapping.json";

    /**
     * What one code maps to.
     *
     * @param field      the vitals JSON field (heart_rate, temperature, …), or null for a lab
     * @param test       the lab test, or null for a vital sign
     * @param units      UCUM code → the unit the silver rules read ("" for a vital sign they take as it is)
     * @param trueAbove  for a flag such as supplemental oxygen: true when the value exceeds this
     * @param coded      the value is a code (AVPU), not a quantity
     */
    public record Code(EventKind kind, String field, String test, Map<String, String> units, Double trueAbove,
                       boolean coded) implements Serializable {}

    private final Map<String, Code> observations;
    private final Set<String> panels;

    private CodeMapping(Map<String, Code> observations, Set<String> panels) {
        this.observations = observations;
        this.panels = panels;
    }

    /** The built-in mapping, with {@code overrides} (null: none) laid over it code by code. */
    public static CodeMapping load(Path overrides) {
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = CodeMapping.class.getResourceAsStream(BUILT_IN)) {
            ObjectNode merged = (ObjectNode) json.readTree(in);
            if (overrides != null) {
                JsonNode extra = json.readTree(Files.readAllBytes(overrides));
                if (extra.has("observations")) {
                    ((ObjectNode) merged.get("observations")).setAll((ObjectNode) extra.get("observations"));
                }
                if (extra.has("panels")) {
                    extra.get("panels").forEach(((ArrayNode) merged.get("panels"))::add);
                }
            }
            return parse(merged, overrides == null ? BUILT_IN : overrides.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the code mapping " + (overrides == null ? BUILT_IN : overrides)
                    + ": " + e.getMessage(), e);
        }
    }

    public static CodeMapping builtIn() {
        return load(null);
    }

    private static CodeMapping parse(JsonNode root, String from) {
        Map<String, Code> observations = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("observations").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode c = e.getValue();
            String kind = c.path("kind").asText();
            if (!kind.equals("vitals") && !kind.equals("labs")) {
                throw new IllegalArgumentException(from + ": code " + e.getKey() + " has kind '" + kind
                        + "'; it must be vitals or labs");
            }
            boolean vital = kind.equals("vitals");
            if (vital ? !c.hasNonNull("field") : !c.hasNonNull("test")) {
                throw new IllegalArgumentException(from + ": code " + e.getKey() + " needs a '"
                        + (vital ? "field" : "test") + "'");
            }
            Map<String, String> units = new HashMap<>();
            c.path("units").fields().forEachRemaining(u -> units.put(u.getKey(), u.getValue().asText()));
            if (!c.path("coded").asBoolean() && units.isEmpty()) {
                throw new IllegalArgumentException(from + ": code " + e.getKey() + " lists no units");
            }
            observations.put(e.getKey(), new Code(vital ? EventKind.VITALS : EventKind.LABS,
                    vital ? c.get("field").asText() : null, vital ? null : c.get("test").asText(), Map.copyOf(units),
                    c.hasNonNull("true_above") ? c.get("true_above").asDouble() : null, c.path("coded").asBoolean()));
        }
        Set<String> panels = new HashSet<>();
        root.path("panels").forEach(p -> panels.add(p.asText()));
        return new CodeMapping(Map.copyOf(observations), Set.copyOf(panels));
    }

    /** The mapping of a LOINC code, or null. */
    public Code observation(String loinc) {
        return observations.get(loinc);
    }

    /** The LOINC code and UCUM unit under which a lab result in the silver rules' {@code unit} is sent. */
    public record LabCode(String loinc, String ucum) {}

    /** @throws IllegalArgumentException when no mapped code of {@code test} takes that unit */
    public LabCode labCode(String test, String unit) {
        for (Map.Entry<String, Code> c : observations.entrySet()) {
            if (test.equals(c.getValue().test())) {
                for (Map.Entry<String, String> u : c.getValue().units().entrySet()) {
                    if (u.getValue().equalsIgnoreCase(unit)) {
                        return new LabCode(c.getKey(), u.getKey());
                    }
                }
            }
        }
        throw new IllegalArgumentException("no LOINC code in the mapping for " + test + " in " + unit);
    }

    /** Whether the code is a panel whose components (or members) carry the values. */
    public boolean isPanel(String loinc) {
        return panels.contains(loinc);
    }

    public Map<String, Code> observations() {
        return observations;
    }
}
