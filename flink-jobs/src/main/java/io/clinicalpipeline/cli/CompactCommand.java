package io.clinicalpipeline.cli;

import io.clinicalpipeline.jobs.JobSettings;
import io.clinicalpipeline.jobs.PipelineJobs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.concurrent.Callable;

@Command(name = "compact", header = "Flink batch job: compacts every table of the database and expires old snapshots",
        description = "Flink batch job: merges each Paimon table's sorted runs and small files, and expires snapshots past "
                + "their retention, for every table of --database, then exits. The online job's lakehouse writers leave "
                + "this to it, so the online path does not share its cores with compaction: schedule it (hourly, say). "
                + "Reads are correct without it, only slower as files pile up.")
final class CompactCommand implements Callable<Integer> {

    @Mixin
    LakeOptions lake;

    @Override
    public Integer call() throws Exception {
        PipelineJobs.compact(Submit.CONTEXT, JobSettings.lakeOnly(lake.lakehouse(), lake.database));
        System.out.println("compacted every table of " + lake.database);
        return 0;
    }
}
