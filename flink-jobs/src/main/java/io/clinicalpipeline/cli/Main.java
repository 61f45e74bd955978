package io.clinicalpipeline.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code bin/pipeline <command> [options]}: one entry point for every job and tool. */
public final class Main {

    interface Command {
        int run(String[] args) throws Exception;
    }

    private static final Map<String, Command> COMMANDS = new LinkedHashMap<>();
    private static final Map<String, String> SUMMARIES = new LinkedHashMap<>();

    static {
        register("demo", "run the whole pipeline locally on embedded Kafka, Redis and Flink", DemoCommand::run);
        register("generate", "produce simulated patient events to Kafka", GenerateCommand::run);
        register("ingest", "Flink job: Kafka topics -> Paimon bronze tables", JobCommands::ingest);
        register("silver", "Flink job: bronze -> silver, quarantine, dead letter (streaming or batch)", JobCommands::silver);
        register("reconcile", "count records per topic in Kafka, bronze, silver and rejects; fail if they differ", JobCommands::reconcile);
        register("features", "patient features: catalog, run (streaming|batch), materialize, training-set, get", FeaturesCommand::run);
        register("train", "fit and evaluate a risk model on a CSV file or Paimon table (Flink ML, bounded jobs)", TrainCommand::run);
        register("score", "Flink job: patient_features -> production model -> predictions, Redis risk, Kafka alerts", JobCommands::score);
        register("score-batch", "score a configured cohort (batch_scoring_configs) into Paimon and Parquet", JobCommands::scoreBatch);
        register("model", "model registry: list, show, promote, archive, rollback", ModelCommand::run);
        register("sql", "Flink SQL client on the pipeline's Paimon tables", SqlCommand::run);
        register("bench", "benchmarks: bench ingest | bench features", BenchCommand::run);
    }

    private Main() {}

    private static void register(String name, String summary, Command command) {
        COMMANDS.put(name, command);
        SUMMARIES.put(name, summary);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String[] args) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
            System.out.print(usage());
            return args.length == 0 ? 2 : 0;
        }
        Command command = COMMANDS.get(args[0]);
        if (command == null) {
            System.err.println("Unknown command '" + args[0] + "'.\n\n" + usage());
            return 2;
        }
        try {
            return command.run(Arrays.copyOfRange(args, 1, args.length));
        } catch (Options.UsageException e) {
            System.err.println("error: " + e.getMessage() + "\n\n" + e.options.help());
            return 2;
        } catch (Exception e) {
            System.err.println("error: " + args[0] + " failed: " + e);
            e.printStackTrace(System.err);
            return 1;
        }
    }

    private static String usage() {
        StringBuilder out = new StringBuilder("Usage: bin/pipeline <command> [options]   (bin/pipeline <command> --help for its options)\n\nCommands:\n");
        SUMMARIES.forEach((name, summary) -> out.append(String.format("  %-11s %s%n", name, summary)));
        return out.toString();
    }
}
