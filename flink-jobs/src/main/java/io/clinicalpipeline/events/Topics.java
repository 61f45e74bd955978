package io.clinicalpipeline.events;

import java.io.Serializable;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Topic name of each event kind; users rename topics with --topic-vitals and friends. */
public final class Topics implements Serializable {
    private static final long serialVersionUID = 1L;

    private final EnumMap<EventKind, String> names;

    private Topics(EnumMap<EventKind, String> names) {
        this.names = names;
    }

    public static Topics defaults() {
        return withOverrides(Map.of());
    }

    public static Topics withOverrides(Map<EventKind, String> overrides) {
        EnumMap<EventKind, String> names = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            names.put(kind, overrides.getOrDefault(kind, kind.defaultTopic()));
        }
        return new Topics(names);
    }

    public String topic(EventKind kind) {
        return names.get(kind);
    }

    public EventKind kindOf(String topic) {
        for (Map.Entry<EventKind, String> e : names.entrySet()) {
            if (e.getValue().equals(topic)) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("Topic '" + topic + "' is not one of " + all());
    }

    public List<String> all() {
        return names.values().stream().collect(Collectors.toList());
    }
}
