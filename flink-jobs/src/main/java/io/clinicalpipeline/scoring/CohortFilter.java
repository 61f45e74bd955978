package io.clinicalpipeline.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A cohort filter: a boolean expression over known columns, parsed into a tree and rendered back as SQL from that
 * tree, so only what the grammar allows can reach a query. Grammar (case-insensitive keywords):
 * <pre>
 * expr      := and (OR and)*
 * and       := unary (AND unary)*
 * unary     := NOT unary | '(' expr ')' | predicate
 * predicate := value (= | &lt;&gt; | != | &lt; | &lt;= | &gt; | &gt;=) value
 *            | value IS [NOT] NULL | value [NOT] IN '(' literal (',' literal)* ')'
 *            | value [NOT] BETWEEN literal AND literal | value [NOT] LIKE string
 * value     := column | number | 'string' | TIMESTAMP 'yyyy-MM-dd HH:mm:ss' | TRUE | FALSE
 * </pre>
 * Anything else — a second statement, a comment, a subquery, a function call, DDL, an unknown column — is
 * rejected with the position and what was expected.
 */
public final class CohortFilter {

    private static final Set<String> KEYWORDS = Set.of("AND", "OR", "NOT", "IS", "NULL", "IN", "BETWEEN", "LIKE",
            "TRUE", "FALSE", "TIMESTAMP");

    private record Token(String kind, String text, int at) {}

    private final List<Token> tokens;
    private final Set<String> columns;
    private int next;

    private CohortFilter(List<Token> tokens, Set<String> columns) {
        this.tokens = tokens;
        this.columns = columns;
    }

    /**
     * Validates {@code filter} and returns it as canonical SQL (identifiers quoted, literals re-escaped).
     *
     * @throws IllegalArgumentException naming the problem and where it is
     */
    public static String toSql(String filter, Set<String> knownColumns) {
        if (filter == null || filter.isBlank()) {
            return "TRUE";
        }
        CohortFilter parser = new CohortFilter(tokenize(filter), knownColumns);
        String sql = parser.expr();
        if (parser.peek() != null) {
            throw parser.error("end of the filter");
        }
        return sql;
    }

    private String expr() {
        StringBuilder sql = new StringBuilder(and());
        while (keyword("OR")) {
            sql.append(" OR ").append(and());
        }
        return sql.toString();
    }

    private String and() {
        StringBuilder sql = new StringBuilder(unary());
        while (keyword("AND")) {
            sql.append(" AND ").append(unary());
        }
        return sql.toString();
    }

    private String unary() {
        if (keyword("NOT")) {
            return "NOT (" + unary() + ")";
        }
        Token t = peek();
        if (t != null && t.text.equals("(")) {
            next++;
            String inner = expr();
            expect(")");
            return "(" + inner + ")";
        }
        return predicate();
    }

    private String predicate() {
        String left = value();
        if (keyword("IS")) {
            boolean not = keyword("NOT");
            expectKeyword("NULL");
            return left + (not ? " IS NOT NULL" : " IS NULL");
        }
        boolean not = keyword("NOT");
        if (keyword("IN")) {
            expect("(");
            List<String> items = new ArrayList<>(List.of(literal()));
            while (peek() != null && peek().text.equals(",")) {
                next++;
                items.add(literal());
            }
            expect(")");
            return left + (not ? " NOT IN (" : " IN (") + String.join(", ", items) + ")";
        }
        if (keyword("BETWEEN")) {
            String low = literal();
            expectKeyword("AND");
            return left + (not ? " NOT BETWEEN " : " BETWEEN ") + low + " AND " + literal();
        }
        if (keyword("LIKE")) {
            Token t = take("a 'pattern'");
            if (!t.kind.equals("string")) {
                throw error("a quoted pattern after LIKE", t);
            }
            return left + (not ? " NOT LIKE " : " LIKE ") + quote(t.text);
        }
        if (not) {
            throw error("IN, BETWEEN or LIKE after NOT");
        }
        Token op = take("a comparison (=, <>, <, <=, >, >=)");
        if (!op.kind.equals("op")) {
            throw error("a comparison (=, <>, <, <=, >, >=)", op);
        }
        return left + " " + (op.text.equals("!=") ? "<>" : op.text) + " " + value();
    }

    private String value() {
        Token t = peek();
        if (t != null && t.kind.equals("word") && !KEYWORDS.contains(t.text.toUpperCase(Locale.ROOT))) {
            next++;
            if (peek() != null && peek().text.equals("(")) {
                throw error("a column, not a function call", t);
            }
            if (!columns.contains(t.text)) {
                throw new IllegalArgumentException("unknown column '" + t.text + "' at position " + (t.at + 1)
                        + "; the filter may use: " + new java.util.TreeSet<>(columns));
            }
            return "`" + t.text + "`";
        }
        return literal();
    }

    private String literal() {
        Token t = take("a value");
        switch (t.kind) {
            case "number":
                return t.text;
            case "string":
                return quote(t.text);
            case "word":
                String word = t.text.toUpperCase(Locale.ROOT);
                if (word.equals("TRUE") || word.equals("FALSE")) {
                    return word;
                }
                if (word.equals("TIMESTAMP")) {
                    Token s = take("a 'yyyy-MM-dd HH:mm:ss' string after TIMESTAMP");
                    if (!s.kind.equals("string") || !s.text.matches("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}(\\.\\d{1,3})?")) {
                        throw error("a 'yyyy-MM-dd HH:mm:ss' string after TIMESTAMP", s);
                    }
                    return "TIMESTAMP " + quote(s.text);
                }
                throw error("a value", t);
            default:
                throw error("a value", t);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    private boolean keyword(String word) {
        Token t = peek();
        if (t != null && t.kind.equals("word") && t.text.equalsIgnoreCase(word)) {
            next++;
            return true;
        }
        return false;
    }

    private void expectKeyword(String word) {
        if (!keyword(word)) {
            throw error(word);
        }
    }

    private void expect(String symbol) {
        Token t = take("'" + symbol + "'");
        if (!t.text.equals(symbol) || t.kind.equals("string")) {
            throw error("'" + symbol + "'", t);
        }
    }

    private Token peek() {
        return next < tokens.size() ? tokens.get(next) : null;
    }

    private Token take(String expected) {
        Token t = peek();
        if (t == null) {
            throw new IllegalArgumentException("the filter ends where " + expected + " was expected");
        }
        next++;
        return t;
    }

    private IllegalArgumentException error(String expected) {
        Token t = peek();
        return t == null ? new IllegalArgumentException("the filter ends where " + expected + " was expected")
                : error(expected, t);
    }

    private static IllegalArgumentException error(String expected, Token t) {
        return new IllegalArgumentException("expected " + expected + " at position " + (t.at + 1) + " but found '"
                + t.text + "'; a cohort filter is one boolean expression over columns (see bin/pipeline score-batch --help)");
    }

    private static List<Token> tokenize(String s) {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                StringBuilder text = new StringBuilder();
                int start = i++;
                while (true) {
                    if (i >= s.length()) {
                        throw new IllegalArgumentException("unterminated string starting at position " + (start + 1));
                    }
                    if (s.charAt(i) == '\'') {
                        if (i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                            text.append('\'');
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    text.append(s.charAt(i++));
                }
                tokens.add(new Token("string", text.toString(), start));
            } else if (Character.isDigit(c) || (c == '-' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1))
                    && (tokens.isEmpty() || !List.of("word", "number", "string").contains(tokens.get(tokens.size() - 1).kind)
                    && !tokens.get(tokens.size() - 1).text.equals(")")))) {
                int start = i++;
                while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
                    i++;
                }
                String number = s.substring(start, i);
                if (!number.matches("-?\\d+(\\.\\d+)?")) {
                    throw new IllegalArgumentException("malformed number '" + number + "' at position " + (start + 1));
                }
                tokens.add(new Token("number", number, start));
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                tokens.add(new Token("word", s.substring(start, i), start));
            } else if (c == '(' || c == ')' || c == ',') {
                tokens.add(new Token("symbol", String.valueOf(c), i++));
            } else if ("=<>!".indexOf(c) >= 0) {
                int start = i++;
                if (i < s.length() && "=>".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                String op = s.substring(start, i);
                if (!Set.of("=", "<>", "!=", "<", "<=", ">", ">=").contains(op)) {
                    throw new IllegalArgumentException("unknown operator '" + op + "' at position " + (start + 1));
                }
                tokens.add(new Token("op", op, start));
            } else {
                throw new IllegalArgumentException("character '" + c + "' at position " + (i + 1) + " is not allowed in a "
                        + "cohort filter (no statements, comments or quoted identifiers)");
            }
        }
        return tokens;
    }
}
