package io.clinicalpipeline.cli;

import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "ingest", header = "Flink job: Kafka topics -> Paimon bronze tables", description = "Flink job: streams every record of the event topics into the Paimon bronze tables, "
        + "exactly once.")
final class IngestCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--bounded", description = "stop at the offsets that are the latest when the job starts, then check that "
            + "bronze holds every record read")
    boolean bounded;

    @Option(names = "--group-id", paramLabel = "NAME", defaultValue = PipelineJobs.INGEST_GROUP,
            description = "Kafka consumer group: where a job without a checkpoint starts")
    String groupId;

    @Override
    public Integer call() throws Exception {
        JobSettings s = job.settings(job.kafka.requireBootstrap(spec), Duration.ZERO);
        JobClient job = PipelineJobs.startIngest(Submit.CONTEXT, s, bounded, groupId);
        if (!bounded || !Submit.attached()) {
            return Submit.await(job);
        }
        long records = PipelineJobs.awaitBoundedIngest(job, s);
        System.out.printf("job %s finished: bronze holds all %,d records it read%n", job.getJobID(), records);
        return 0;
    }
}
