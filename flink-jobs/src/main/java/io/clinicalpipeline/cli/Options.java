package io.clinicalpipeline.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Declared {@code --name value} options and {@code --flag}s of one command, with its help text. */
final class Options {

    private record Spec(String name, String arg, String defaultValue, String help) {}

    private final String command;
    private final String summary;
    private final Map<String, Spec> specs = new LinkedHashMap<>();
    private final Map<String, String> values = new HashMap<>();

    Options(String command, String summary) {
        this.command = command;
        this.summary = summary;
        flag("help", "show this help and exit");
    }

    Options option(String name, String arg, String defaultValue, String help) {
        specs.put(name, new Spec(name, arg, defaultValue, help));
        return this;
    }

    Options flag(String name, String help) {
        specs.put(name, new Spec(name, null, null, help));
        return this;
    }

    /** Parses args; returns false when help was asked for (and printed). */
    boolean parse(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new UsageException("unexpected argument '" + a + "'", this);
            }
            String name = a.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Spec spec = specs.get(name);
            if (spec == null) {
                throw new UsageException("unknown option --" + name, this);
            }
            if (spec.arg == null) {
                values.put(name, "true");
                continue;
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new UsageException("--" + name + " needs a value (" + spec.arg + ")", this);
                }
                value = args[++i];
            }
            values.put(name, value);
        }
        if (has("help")) {
            System.out.print(help());
            return false;
        }
        return true;
    }

    boolean has(String name) {
        return values.containsKey(name);
    }

    String get(String name) {
        Spec spec = specs.get(name);
        if (spec == null) {
            throw new IllegalArgumentException("option --" + name + " is not declared for " + command);
        }
        return values.getOrDefault(name, spec.defaultValue);
    }

    String required(String name) {
        String v = get(name);
        if (v == null) {
            throw new UsageException("--" + name + " is required", this);
        }
        return v;
    }

    int getInt(String name) {
        return parseNumber(name, Integer::parseInt);
    }

    long getLong(String name) {
        return parseNumber(name, Long::parseLong);
    }

    double getDouble(String name) {
        return parseNumber(name, Double::parseDouble);
    }

    /** A duration written as a number and a unit: {@code 500ms}, {@code 30s}, {@code 15m}, {@code 6h}, {@code 2d}. */
    java.time.Duration getDuration(String name) {
        String v = required(name).trim();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(ms|s|m|h|d)").matcher(v);
        if (!m.matches()) {
            throw new UsageException("--" + name + " must be a duration such as 30s, 15m, 6h or 2d, got '" + v + "'", this);
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> java.time.Duration.ofMillis(n);
            case "s" -> java.time.Duration.ofSeconds(n);
            case "m" -> java.time.Duration.ofMinutes(n);
            case "h" -> java.time.Duration.ofHours(n);
            default -> java.time.Duration.ofDays(n);
        };
    }

    private <T> T parseNumber(String name, java.util.function.Function<String, T> parser) {
        String v = required(name);
        try {
            return parser.apply(v);
        } catch (NumberFormatException e) {
            throw new UsageException("--" + name + " must be a number, got '" + v + "'", this);
        }
    }

    String help() {
        StringBuilder out = new StringBuilder("Usage: bin/pipeline " + command + " [options]\n\n" + summary + "\n\nOptions:\n");
        List<String> lines = new ArrayList<>();
        for (Spec s : specs.values()) {
            String left = "  --" + s.name + (s.arg == null ? "" : " " + s.arg);
            String right = s.help + (s.defaultValue == null ? "" : " (default: " + s.defaultValue + ")");
            lines.add(String.format("%-34s %s", left, right));
        }
        return out.append(String.join("\n", lines)).append('\n').toString();
    }

    /** A mistake in the command line: printed with the command's help, exit code 2. */
    static final class UsageException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Options options;

        UsageException(String message, Options options) {
            super(message);
            this.options = options;
        }
    }
}
