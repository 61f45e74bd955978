package io.clinicalpipeline.model.features;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the features of one patient are computed from: recent vitals, labs and medications, and the
 * profile versions. Everything is kept with its event time, so features can be computed as of any moment
 * using only what had happened by then.
 */
public final class PatientHistory implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String OXYGEN = "supplemental_oxygen";
    static final String CONSCIOUSNESS = "consciousness";
    static final String SHOCK_INDEX = "shock_index";
    static final String OBSERVED = "observation";
    static final String ACVPU = "ACVPU";

    private final Map<String, Signal> signals = new HashMap<>();
    private final Map<String, Signal> labs = new HashMap<>();
    private final List<Long> medicationTimes = new ArrayList<>();
    private final List<String> medicationClasses = new ArrayList<>();
    private final List<Long> profileTimes = new ArrayList<>();
    private final List<Map<String, Object>> profiles = new ArrayList<>();

    /** One set of vitals by silver column name; null measurements are skipped. ACVPU as A, C, V, P or U. */
    public void addVitals(long time, Map<String, Double> measurements, Boolean supplementalOxygen, String acvpu,
                          Double shockIndex) {
        signal(signals, OBSERVED).add(time, 1);
        measurements.forEach((name, v) -> {
            if (v != null) {
                signal(signals, name).add(time, v);
            }
        });
        if (supplementalOxygen != null) {
            signal(signals, OXYGEN).add(time, supplementalOxygen ? 1 : 0);
        }
        if (acvpu != null && ACVPU.indexOf(acvpu.charAt(0)) >= 0) {
            signal(signals, CONSCIOUSNESS).add(time, ACVPU.indexOf(acvpu.charAt(0)));
        }
        if (shockIndex != null) {
            signal(signals, SHOCK_INDEX).add(time, shockIndex);
        }
    }

    public void addLab(long time, String test, double canonicalValue) {
        signal(labs, test).add(time, canonicalValue);
    }

    public void addMedication(long time, String drugClass) {
        int at = medicationTimes.size();
        while (at > 0 && medicationTimes.get(at - 1) > time) {
            at--;
        }
        medicationTimes.add(at, time);
        medicationClasses.add(at, drugClass);
    }

    /** A profile version (age, gender, …) valid from {@code time}. */
    public void addProfile(long time, Map<String, Object> attributes) {
        int at = profileTimes.size();
        while (at > 0 && profileTimes.get(at - 1) > time) {
            at--;
        }
        profileTimes.add(at, time);
        profiles.add(at, Map.copyOf(withoutNulls(attributes)));
    }

    /**
     * Forgets measurements and medications older than {@code time}. Profile versions are kept but the
     * newest one before {@code time}, which is still the one in force.
     */
    public void evictBefore(long time) {
        signals.values().forEach(s -> s.evictBefore(time));
        labs.values().forEach(s -> s.evictBefore(time));
        while (!medicationTimes.isEmpty() && medicationTimes.get(0) < time) {
            medicationTimes.remove(0);
            medicationClasses.remove(0);
        }
        while (profileTimes.size() > 1 && profileTimes.get(1) <= time) {
            profileTimes.remove(0);
            profiles.remove(0);
        }
    }

    Signal signal(String name) {
        return signals.get(name);
    }

    Signal lab(String test) {
        return labs.get(test);
    }

    /** Medication classes given in (from, to]. */
    List<String> medicationsBetween(long fromExclusive, long toInclusive) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < medicationTimes.size(); i++) {
            long t = medicationTimes.get(i);
            if (t > fromExclusive && t <= toInclusive) {
                out.add(medicationClasses.get(i));
            }
        }
        return out;
    }

    /** The profile in force at {@code time}, or an empty map. */
    Map<String, Object> profileAt(long time) {
        Map<String, Object> current = Map.of();
        for (int i = 0; i < profileTimes.size() && profileTimes.get(i) <= time; i++) {
            current = profiles.get(i);
        }
        return current;
    }

    private static Signal signal(Map<String, Signal> map, String name) {
        return map.computeIfAbsent(name, n -> new Signal());
    }

    private static Map<String, Object> withoutNulls(Map<String, Object> attributes) {
        Map<String, Object> out = new HashMap<>();
        attributes.forEach((k, v) -> {
            if (v != null) {
                out.put(k, v);
            }
        });
        return out;
    }
}
