package io.clinicalpipeline.cli;

import io.clinicalpipeline.generator.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

@Command(name = "generate", header = "produces simulated patient events to Kafka", description = "Produces simulated vitals, medications, labs, adverse events and patient profiles to "
        + "Kafka, with faults (duplicates, late and out-of-order events, impossible values, missing fields, malformed "
        + "JSON), as the pipeline's JSON or as FHIR R4 and HL7 v2.")
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KafkaOptions kafka;

    @Mixin
    WorkloadOptions workload;

    @Mixin
    InputFormatOption input;

    @Override
    public Integer call() throws Exception {
        Workloads.toKafka(workload.config(), workload.partitions, workload.rate, kafka.requireBootstrap(spec), kafka.topics(),
                input.format, System.out);
        return 0;
    }
}
