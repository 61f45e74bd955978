package io.clinicalpipeline.cli;

import io.clinicalpipeline.jobs.BoundedJobs;
import io.clinicalpipeline.scoring.BatchScoring;
import io.clinicalpipeline.scoring.RiskPolicy;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "score-batch", header = "scores a configured cohort (batch_scoring_configs) into Paimon and Parquet", description = "Scores a cohort as configured in the batch_scoring_configs table (create and change "
        + "configs in the SQL client): each patient's newest patient_features row that matches the config's cohort_filter, "
        + "scored by its scoring_model (production, staging or a version), into its output_table and, if set, Parquet at "
        + "parquet_path. The filter is one boolean expression over patient_features columns: comparisons, AND/OR/NOT, IN "
        + "(...), BETWEEN, LIKE, IS [NOT] NULL, TIMESTAMP '...'.")
final class ScoreBatchCommand implements Callable<Integer> {

    @Mixin
    LakeOptions lake;

    @Option(names = "--config", paramLabel = "NAME", required = true, description = "the config's name")
    String config;

    @Option(names = "--features-database", paramLabel = "NAME", description = "database of patient_features (default: --database)")
    String featuresDatabase;

    @Option(names = "--parallelism", paramLabel = "N", defaultValue = "2", description = "parallel subtasks")
    int parallelism;

    @Override
    public Integer call() throws Exception {
        try (BoundedJobs jobs = BoundedJobs.start(parallelism)) {
            var summary = BatchScoring.run(jobs.env(), lake.lakehouse(), lake.database,
                    featuresDatabase == null ? lake.database : featuresDatabase, config, RiskPolicy.defaults());
            System.out.printf("scored %,d patients of cohort '%s' (%s) with model version %d into %s%s%n", summary.rows(),
                    config, summary.filterSql(), summary.modelVersion(), summary.config().outputTable(),
                    summary.config().parquetPath() == null ? "" : " and " + summary.config().parquetPath());
        }
        return 0;
    }
}
