package io.clinicalpipeline.reconcile;

import io.clinicalpipeline.events.EventKind;
import io.clinicalpipeline.events.Topics;
import io.clinicalpipeline.kafka.KafkaTopics;
import io.clinicalpipeline.lake.PaimonCounts;
import io.clinicalpipeline.runtime.JsonSummary;
import io.clinicalpipeline.silver.SilverJob;

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
        return accounts(topics, counts, kafkaCounts(bootstrap, topics));
    }

    /** Every topic's account, given what Kafka holds per topic (no broker is asked). */
    static List<TopicAccount> accounts(Topics topics, PaimonCounts counts, Map<String, Long> inKafka) {
        SilverLayer layer = SilverLayer.read(topics, counts);
        List<TopicAccount> accounts = new ArrayList<>();
        for (String topic : topics.all()) {
            accounts.add(layer.account(topic, topics.formatOf(topic).isPresent(), inKafka.getOrDefault(topic, 0L),
                    counts.count(topics.bronzeTable(topic))));
        }
        return accounts;
    }

    /**
     * What the silver job has written, by topic (rejects by topic and reason); the hospital messages' ledger as
     * [messages, items] per topic.
     */
    private record SilverLayer(Map<String, Long> silver, Map<List<String>, Long> duplicates,
                               Map<List<String>, Long> quarantine, Map<List<String>, Long> deadLetter,
                               Map<String, long[]> ledger) {

        static SilverLayer read(Topics topics, PaimonCounts counts) {
            // Rows written before silver kept its topic are their kind's JSON topic's.
            Map<String, Long> silver = new HashMap<>();
            for (EventKind kind : EventKind.values()) {
                counts.countBy(kind.silverTable(), "topic").forEach((key, n) ->
                        silver.merge(key.get(0) == null ? topics.topic(kind) : key.get(0), n, Long::sum));
            }
            Map<String, long[]> ledger = new HashMap<>();
            for (List<Object> row : counts.rows(SilverJob.HOSPITAL_MESSAGES, "topic", "items")) {
                long[] messagesAndItems = ledger.computeIfAbsent((String) row.get(0), t -> new long[2]);
                messagesAndItems[0]++;
                messagesAndItems[1] += (Integer) row.get(1);
            }
            return new SilverLayer(silver, counts.countBy(SilverJob.DUPLICATES, "topic"),
                    counts.countBy(SilverJob.QUARANTINE, "topic", "reason_code"),
                    counts.countBy(SilverJob.DEAD_LETTER, "topic", "error_code"), ledger);
        }

        long messages(String topic) {
            return ledger.getOrDefault(topic, new long[2])[0];
        }

        long items(String topic) {
            return ledger.getOrDefault(topic, new long[2])[1];
        }

        /** A JSON topic's records are each one message of one item: its bronze count stands for both. */
        TopicAccount account(String topic, boolean hospital, long kafka, long bronze) {
            return new TopicAccount(topic, kafka, bronze, hospital ? messages(topic) : bronze, hospital ? items(topic) : bronze,
                    silver.getOrDefault(topic, 0L), duplicates.getOrDefault(List.of(topic), 0L),
                    byReason(quarantine, topic), byReason(deadLetter, topic));
        }
    }

    /** Records in the bronze tables. */
    public static long inBronze(Topics topics, PaimonCounts counts) {
        long n = 0;
        for (String topic : topics.all()) {
            n += counts.count(topics.bronzeTable(topic));
        }
        return n;
    }

    /**
     * Records the silver job has accounted for in silver, duplicates, quarantine or dead letter (bronze is not read): a
     * JSON topic's each once its one row is there, a hospital topic's messages in proportion to the items their ledger
     * rows promise that have arrived, so that the count reaches the messages sent only when every item has.
     */
    public static long accountedInSilver(Topics topics, PaimonCounts counts) {
        SilverLayer layer = SilverLayer.read(topics, counts);
        long n = 0;
        for (String topic : topics.all()) {
            boolean hospital = topics.formatOf(topic).isPresent();
            TopicAccount a = layer.account(topic, hospital, 0, 0);
            if (!hospital) {
                n += a.accountedFor();
            } else if (a.items() > 0) {
                n += a.messages() * Math.min(a.accountedFor(), a.items()) / a.items();
            }
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
            String bronze = topics.bronzeTable(a.topic());
            if (a.bronze() != a.kafka()) {
                out.add(String.format("%s holds %,d of the %,d records in %s", bronze, a.bronze(), a.kafka(), a.topic()));
            }
            if (a.messages() != a.bronze()) {
                out.add(String.format("%s holds %,d of the %,d messages of %s", SilverJob.HOSPITAL_MESSAGES, a.messages(),
                        a.bronze(), bronze));
            }
            if (a.accountedFor() != a.items()) {
                String silver = topics.formatOf(a.topic()).isPresent() ? "the silver tables"
                        : topics.kindOf(a.topic()).silverTable();
                out.add(String.format("the silver job has accounted for %,d of the %,d %s of %s (in %s, silver_duplicates, "
                        + "quarantine or dead_letter)", a.accountedFor(), a.items(), a.messages() == a.items() ? "records" : "items",
                        bronze, silver));
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
            if (a.items() != a.bronze()) {
                out.append("  ").append(a.topic()).append(String.format(": %,d messages made %,d items", a.messages(),
                        a.items())).append('\n');
            }
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
            t.put("messages", a.messages());
            t.put("items", a.items());
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
