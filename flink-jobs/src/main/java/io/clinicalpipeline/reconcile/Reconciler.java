package io.clinicalpipeline.reconcile;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.kafka.KafkaTopics;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.runtime.JsonSummary;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;

/** Counts every topic's records at each layer and checks that nothing was lost or invented. */
public final class Reconciler {

    private Reconciler() {}

    public static List<TopicAccount> reconcile(String bootstrap, Topics topics, PaimonCounts counts)
            throws ExecutionException, InterruptedException {
        Map<String, Long> inKafka = kafkaCounts(bootstrap, topics);
        Map<List<String>, Long> duplicates = counts.countBy("silver_duplicates", "topic");
        Map<List<String>, Long> quarantine = counts.countBy("quarantine", "topic", "reason_code");
        Map<List<String>, Long> deadLetter = counts.countBy("dead_letter", "topic", "error_code");
        List<TopicAccount> accounts = new ArrayList<>();
        for (EventKind kind : EventKind.values()) {
            String topic = topics.topic(kind);
            accounts.add(new TopicAccount(topic,
                    inKafka.getOrDefault(topic, 0L),
                    counts.count(kind.bronzeTable()),
                    counts.count(kind.silverTable()),
                    duplicates.getOrDefault(List.of(topic), 0L),
                    byReason(quarantine, topic),
                    byReason(deadLetter, topic)));
        }
        return accounts;
    }

    /** Records in the bronze tables. */
    public static long inBronze(PaimonCounts counts) {
        long n = 0;
        for (EventKind kind : EventKind.values()) {
            n += counts.count(kind.bronzeTable());
        }
        return n;
    }

    /** Records the silver job has written somewhere: silver tables, duplicates, quarantine or dead letter. */
    public static long accountedInSilver(PaimonCounts counts) {
        long n = counts.count("silver_duplicates") + counts.count("quarantine") + counts.count("dead_letter");
        for (EventKind kind : EventKind.values()) {
            n += counts.count(kind.silverTable());
        }
        return n;
    }

    /**
     * Where each unbalanced topic stops short, naming its tables, e.g. "bronze_patients holds 155 of the 302 records
     * in patient-profiles"; empty when every topic balances.
     */
    public static List<String> lagging(List<TopicAccount> accounts, Topics topics) {
        List<String> out = new ArrayList<>();
        for (TopicAccount a : accounts) {
            EventKind kind = topics.kindOf(a.topic());
            if (a.bronze() != a.kafka()) {
                out.add(String.format("%s holds %,d of the %,d records in %s", kind.bronzeTable(), a.bronze(), a.kafka(), a.topic()));
            }
            if (a.accountedFor() != a.bronze()) {
                out.add(String.format("the silver job has accounted for %,d of the %,d records of %s (in %s, silver_duplicates, "
                        + "quarantine or dead_letter)", a.accountedFor(), a.bronze(), kind.bronzeTable(), kind.silverTable()));
            }
        }
        return out;
    }

    /** {@link #lagging} of the layers as they are now, in one line, for a wait that has stopped making progress. */
    public static String describeLag(String bootstrap, Topics topics, PaimonCounts counts) {
        try {
            List<String> lagging = lagging(reconcile(bootstrap, topics, counts), topics);
            return lagging.isEmpty() ? "every layer is complete" : String.join("; ", lagging);
        } catch (ExecutionException | RuntimeException e) {
            return "cannot count the layers (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while counting the layers";
        }
    }

    private static Map<String, Long> byReason(Map<List<String>, Long> counts, String topic) {
        Map<String, Long> out = new TreeMap<>();
        counts.forEach((key, n) -> {
            if (topic.equals(key.get(0))) {
                out.put(key.get(1), n);
            }
        });
        return out;
    }

    /** Records currently held per topic: end offset minus start offset over all partitions. */
    private static Map<String, Long> kafkaCounts(String bootstrap, Topics topics) throws ExecutionException, InterruptedException {
        Map<String, Long> counts = new HashMap<>();
        KafkaTopics.recordsPerPartition(bootstrap, topics).forEach((partition, n) -> counts.merge(partition.get(0), n, Long::sum));
        return counts;
    }

    /**
     * Prints the reconciliation (and writes it as JSON to {@code summary} unless null), with what is short when
     * the layers do not add up; returns whether they do.
     */
    public static boolean report(String bootstrap, Topics topics, PaimonCounts counts, Path summary, PrintStream out)
            throws ExecutionException, InterruptedException, IOException {
        List<TopicAccount> accounts = reconcile(bootstrap, topics, counts);
        out.print(render(accounts));
        if (summary != null) {
            writeJson(accounts, summary);
            out.println("reconcile: summary written to " + summary.toAbsolutePath());
        }
        List<String> lagging = lagging(accounts, topics);
        if (lagging.isEmpty()) {
            out.println("reconcile: every record is accounted for");
            return true;
        }
        out.println("reconcile: MISMATCH - records are missing or extra:");
        lagging.forEach(line -> out.println("  " + line));
        out.println("reconcile: jobs that are still running commit at their next checkpoint: run reconcile again "
                + "after it. A bounded ingest (ingest --bounded, the demo) checks bronze against what it read when it "
                + "finishes and fails if they differ, so a shortfall it reported as finished is a defect to report.");
        return false;
    }

    public static String render(List<TopicAccount> accounts) {
        StringBuilder out = new StringBuilder(String.format("%-18s %9s %9s %9s %10s %11s %11s  %s%n",
                "topic", "kafka", "bronze", "silver", "duplicates", "quarantined", "dead-letter", "status"));
        for (TopicAccount a : accounts) {
            out.append(String.format("%-18s %9d %9d %9d %10d %11d %11d  %s%n", a.topic(), a.kafka(), a.bronze(),
                    a.silver(), a.duplicates(), a.quarantined(), a.deadLettered(), a.balanced() ? "OK" : "MISMATCH"));
        }
        for (TopicAccount a : accounts) {
            if (!a.quarantinedByReason().isEmpty()) {
                out.append("  ").append(a.topic()).append(" quarantined by reason: ").append(a.quarantinedByReason()).append('\n');
            }
            if (!a.deadLetteredByError().isEmpty()) {
                out.append("  ").append(a.topic()).append(" dead-lettered by error: ").append(a.deadLetteredByError()).append('\n');
            }
        }
        return out.toString();
    }

    public static void writeJson(List<TopicAccount> accounts, Path file) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("balanced", accounts.stream().allMatch(TopicAccount::balanced));
        List<Map<String, Object>> topics = new ArrayList<>();
        for (TopicAccount a : accounts) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("topic", a.topic());
            t.put("kafka", a.kafka());
            t.put("bronze", a.bronze());
            t.put("silver", a.silver());
            t.put("duplicates", a.duplicates());
            t.put("quarantined", a.quarantined());
            t.put("quarantined_by_reason", a.quarantinedByReason());
            t.put("dead_lettered", a.deadLettered());
            t.put("dead_lettered_by_error", a.deadLetteredByError());
            t.put("balanced", a.balanced());
            topics.add(t);
        }
        doc.put("topics", topics);
        JsonSummary.write(file, doc);
    }
}
