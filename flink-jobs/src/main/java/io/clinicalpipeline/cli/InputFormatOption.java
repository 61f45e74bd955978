package io.clinicalpipeline.cli;

import io.clinicalpipeline.generator.InputFormat;
import picocli.CommandLine.Option;

/** Which format simulated events travel in: what a hospital's feeds would send instead of the pipeline's own JSON. */
final class InputFormatOption {

    @Option(names = {"--input-format", "--format"}, paramLabel = "json|fhir|hl7v2", defaultValue = "json",
            description = "json: the pipeline's records, a topic per kind; fhir: FHIR R4 resources on --topic-fhir; hl7v2: "
                    + "vitals and labs as HL7 v2 ORU^R01 on --topic-hl7v2, the rest as FHIR (default: ${DEFAULT-VALUE})")
    InputFormat format;
}
