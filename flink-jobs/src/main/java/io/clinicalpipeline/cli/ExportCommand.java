package io.clinicalpipeline.cli;

import io.clinicalpipeline.jobs.BoundedJobs;
import io.clinicalpipeline.jobs.TableExport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Instant;
import java.util.concurrent.Callable;

@Command(name = "export", header = "Flink batch job: a table as Parquet that Spark, Hive and DuckDB read, partitioned by dt",
        description = "Writes one Paimon table of --database (or its rows since --since) as Parquet under --to: Hive-style "
                + "dt=YYYY-MM-DD folders by the UTC date of --partition-column, timestamps as INT64 microseconds adjusted "
                + "to UTC (Spark's timestamp, not timestamp_ntz; never INT96), NOT NULL columns as REQUIRED, and _SUCCESS "
                + "once every file is committed. Read it with spark.read.parquet(\"<to>\") or DuckDB's "
                + "read_parquet('<to>/*/*.parquet', hive_partitioning = true).")
final class ExportCommand implements Callable<Integer> {

    @Mixin
    LakeOptions lake;

    @Option(names = "--table", paramLabel = "NAME", required = true, description = "the table, e.g. silver_vitals, patient_features")
    String table;

    @Option(names = "--to", paramLabel = "PATH|URI", required = true, description = "the export's folder: a path or a URI "
            + "Flink has a file system for (file://, s3://, hdfs://)")
    String to;

    @Option(names = "--since", paramLabel = "ISO-INSTANT", description = "only rows whose partition column is at or after "
            + "this instant (e.g. 2026-01-05T00:00:00Z); default: every row")
    Instant since;

    @Option(names = "--partition-column", paramLabel = "COLUMN", description = "the date or timestamp column whose UTC date "
            + "names the dt= folders; default: the table's own dt (bronze, silver), else event_time, else its first timestamp")
    String partitionColumn;

    @Option(names = "--if-exists", paramLabel = "fail|overwrite|append", defaultValue = "fail", description = "when --to "
            + "already holds files: fail, replace them, or add the new files beside them")
    TableExport.IfExists ifExists;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "parallel subtasks")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        try (BoundedJobs jobs = BoundedJobs.start(parallelism)) {
            TableExport.Result r = TableExport.run(jobs.env(), lake.lakehouse(), lake.database,
                    new TableExport.Request(table, to, partitionColumn, since, ifExists));
            System.out.printf("exported %,d rows of %s to %s in %d dt= partitions (by %s)%n", r.rows(), r.table(), r.to(),
                    r.partitions().size(), r.partitionColumn());
        }
        return 0;
    }
}
