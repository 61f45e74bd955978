package io.clinicalpipeline.events;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Topic name of each event kind and of each hospital message format; users rename topics with --topic-vitals,
 * --topic-fhir and friends.
 */
public final class Topics implements Serializable {
    private static final long serialVersionUID = 2L;

    private final EnumMap<EventKind, String> names;
    private final EnumMap<MessageFormat, String> formats;

    private Topics(EnumMap<EventKind, String> names, EnumMap<MessageFormat, String> formats) {
        this.names = names;
        this.formats = formats;
    }

    public static Topics defaults() {
        return withOverrides(Map.of());
    }

    public static Topics withOverrides(Map<EventKind, String> overrides) {
        return withOverrides(overrides, Map.of());
    }

    public static Topics withOverrides(Map<EventKind, String> overrides, Map<MessageFormat, String> formatOverrides) {
        EnumMap<EventKind, String> names = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            names.put(kind, overrides.getOrDefault(kind, kind.defaultTopic()));
        }
        EnumMap<MessageFormat, String> formats = new EnumMap<>(MessageFormat.class);
        for (MessageFormat format : MessageFormat.values()) {
            formats.put(format, formatOverrides.getOrDefault(format, format.defaultTopic()));
        }
        List<String> all = new ArrayList<>(names.values());
        all.addAll(formats.values());
        if (all.stream().distinct().count() != all.size()) {
            throw new IllegalArgumentException("each event kind and message format needs a topic of its own: " + all);
        }
        return new Topics(names, formats);
    }

    /** Every default name behind {@code prefix-}: topics of their own for one run on a shared broker. */
    public static Topics withPrefix(String prefix) {
        Map<EventKind, String> names = new EnumMap<>(EventKind.class);
        for (EventKind kind : EventKind.values()) {
            names.put(kind, prefix + "-" + kind.defaultTopic());
        }
        Map<MessageFormat, String> formats = new EnumMap<>(MessageFormat.class);
        for (MessageFormat format : MessageFormat.values()) {
            formats.put(format, prefix + "-" + format.defaultTopic());
        }
        return withOverrides(names, formats);
    }

    public String topic(EventKind kind) {
        return names.get(kind);
    }

    public String topic(MessageFormat format) {
        return formats.get(format);
    }

    /** The event kind of one of the JSON topics. */
    public EventKind kindOf(String topic) {
        for (Map.Entry<EventKind, String> e : names.entrySet()) {
            if (e.getValue().equals(topic)) {
                return e.getKey();
            }
        }
        throw new IllegalArgumentException("Topic '" + topic + "' is not one of the event topics " + names.values());
    }

    /** The format of a hospital topic; empty for the JSON topics. */
    public Optional<MessageFormat> formatOf(String topic) {
        return formats.entrySet().stream().filter(e -> e.getValue().equals(topic)).map(Map.Entry::getKey).findFirst();
    }

    /** Where bronze keeps the records of any of the topics. */
    public String bronzeTable(String topic) {
        return formatOf(topic).map(MessageFormat::bronzeTable).orElseGet(() -> kindOf(topic).bronzeTable());
    }

    /** Every topic the pipeline reads: the event kinds', then the hospital formats'. */
    public List<String> all() {
        List<String> all = new ArrayList<>(names.values());
        all.addAll(formats.values());
        return all;
    }
}
