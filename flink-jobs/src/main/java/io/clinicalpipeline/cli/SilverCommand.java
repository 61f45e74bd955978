package io.clinicalpipeline.cli;

import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import org.apache.flink.api.common.RuntimeExecutionMode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "silver", header = "Flink job: bronze -> silver, quarantine, dead letter (streaming or batch)", description = "Flink job: parses, validates, standardises and deduplicates bronze into silver; rejects "
        + "go to quarantine and dead_letter. Streaming follows bronze; batch reprocesses it and finishes.")
final class SilverCommand implements Callable<Integer> {

    @Mixin
    JobOptions job;

    @Mixin
    DedupOptions dedup;

    @Mixin
    CodeMappingOption codes;

    @Option(names = "--mode", paramLabel = "streaming|batch", defaultValue = "streaming", description = "runtime mode")
    RuntimeExecutionMode mode;

    @Option(names = "--silver-database", paramLabel = "NAME", description = "database to write silver into (default: --database)")
    String silverDatabase;

    @Override
    public Integer call() throws Exception {
        JobSettings s = codes.applyTo(job.settings(null, dedup.ttl));
        return Submit.await(PipelineJobs.startSilver(Submit.CONTEXT, s, mode, silverDatabase == null ? s.database() : silverDatabase));
    }
}
