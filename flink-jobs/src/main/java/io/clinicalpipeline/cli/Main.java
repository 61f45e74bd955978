package io.clinicalpipeline.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Properties;

/** {@code bin/pipeline <command> [options]}: one entry point for every job and tool. */
@Command(name = "pipeline", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, scope = ScopeType.INHERIT,
        showDefaultValues = true, sortOptions = false, usageHelpAutoWidth = true,
        description = "A clinical patient-monitoring pipeline on Flink, Paimon, Kafka and Redis.",
        subcommands = {DemoCommand.class, GenerateCommand.class, IngestCommand.class, SilverCommand.class,
                ReconcileCommand.class, FeaturesCommand.class, TrainCommand.class, ScoreCommand.class, OnlineCommand.class,
                CompactCommand.class, ScoreBatchCommand.class, ModelCommand.class, SqlCommand.class, BenchCommand.class,
                SimulationCommand.class, RetrainCommand.class, ServeCommand.class, ExportCommand.class,
                ClusterCommand.class, FlinkCommand.class,
                AutoComplete.GenerateCompletion.class})
public final class Main extends CommandGroup {

    /** How the launcher logs: key=value lines, or one JSON object (ECS fields) per line. */
    enum LogFormat { TEXT, JSON }

    @CommandLine.Option(names = "--log-format", paramLabel = "text|json", defaultValue = "${env:PIPELINE_LOG_FORMAT:-text}",
            scope = ScopeType.INHERIT,
            description = "text (key=value) or json (one ECS object per line, for a log shipper); also PIPELINE_LOG_FORMAT")
    void logFormat(LogFormat format) {
        LogFormats.use(format == LogFormat.JSON ? LogFormats.JSON_APPENDER : LogFormats.TEXT_APPENDER);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line: 0 on success, 1 when the command failed, 2 for a usage error. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cmd = new CommandLine(new Main());
        cmd.registerConverter(Duration.class, new Durations());
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            System.err.println("error: " + commandLine.getCommandName() + " failed: " + e);
            e.printStackTrace(System.err);
            return 1;
        });
        // Flink's CLI parses its own arguments (run -d -c …): from its first one on, nothing is picocli's.
        cmd.getSubcommands().get("flink").setStopAtPositional(true).setUnmatchedOptionsArePositionalParams(true);
        // The completion script is the build's (target/pipeline_completion); the command stays for other shells.
        cmd.getSubcommands().get("generate-completion").getCommandSpec().usageMessage().hidden(true);
        return cmd;
    }

    /** The project's and Flink's versions, from the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("/clinical-pipeline-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"clinical-pipeline " + p.getProperty("version", "unknown") + " (Flink "
                    + p.getProperty("flink", "unknown") + ", Paimon " + p.getProperty("paimon", "unknown") + ")"};
        }
    }
}
