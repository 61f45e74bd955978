package io.clinicalpipeline.cli;

import io.clinicalpipeline.interop.CodeMapping;
import io.clinicalpipeline.jobs.JobSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** For the jobs that translate hospital messages: codes to lay over the built-in LOINC and UCUM mapping. */
final class CodeMappingOption {

    @Option(names = "--code-mapping", paramLabel = "FILE", description = "LOINC codes and UCUM units to add to or replace "
            + "in the built-in mapping FHIR and HL7 v2 messages are read with (the shape of interop/code-mapping.json)")
    Path file;

    JobSettings applyTo(JobSettings settings) {
        return file == null ? settings : settings.withCodeMapping(CodeMapping.load(file));
    }
}
