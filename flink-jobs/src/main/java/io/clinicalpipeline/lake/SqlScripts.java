package io.clinicalpipeline.lake;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The scripts under sql/ (packaged into the job jar) split into statements. The jobs run the very files a
 * user runs in the SQL client, so the two cannot drift apart.
 */
public final class SqlScripts {

    private SqlScripts() {}

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    public static List<String> load(String name, Map<String, String> variables) {
        return split(substitute(name, read(name), variables));
    }

    /**
     * Fills in {@code ${name}} placeholders; one left without a value is an error naming it, so a template never
     * runs half filled in.
     */
    public static String substitute(String script, String text, Map<String, String> variables) {
        for (Map.Entry<String, String> v : variables.entrySet()) {
            text = text.replace("${" + v.getKey() + "}", v.getValue());
        }
        Set<String> missing = new TreeSet<>();
        for (Matcher m = PLACEHOLDER.matcher(text); m.find(); ) {
            missing.add(m.group(1));
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(script + " needs a value for " + String.join(", ", missing.stream()
                    .map(n -> "${" + n + "}").toList()) + " (bin/pipeline sql: --var " + missing.iterator().next() + "=...)");
        }
        return text;
    }

    /** Statements end with ';' at the end of a line; '--' comment lines are dropped. */
    static List<String> split(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n", -1)) {
            String trimmed = line.trim();
            if (trimmed.startsWith("--") || (trimmed.isEmpty() && current.length() == 0)) {
                continue;
            }
            current.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String statement = current.toString().trim();
                statements.add(statement.substring(0, statement.length() - 1).trim());
                current.setLength(0);
            }
        }
        if (!current.toString().isBlank()) {
            throw new IllegalArgumentException("SQL script ends without ';' after: " + current.toString().trim());
        }
        return statements;
    }

    private static String read(String name) {
        String resource = "sql/" + name;
        try (InputStream in = SqlScripts.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("SQL script " + resource + " is not on the classpath; rebuild the job jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
