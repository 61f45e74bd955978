package io.clinicalpipeline.cli;

import io.clinicalpipeline.features.TrainingSet;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.List;

/** What makes a feature row positive: the outcomes that count, how far ahead, and how long after one rows are left out. */
final class LabelOptions {

    @Option(names = "--horizon", paramLabel = "DURATION", defaultValue = "6h", description = "how far ahead an adverse event "
            + "makes a row positive")
    Duration horizon;

    @Option(names = "--event-types", paramLabel = "LIST", split = ",", defaultValue = TrainingSet.DEFAULT_EVENT_TYPES,
            description = "adverse event types that count as the outcome")
    List<String> eventTypes;

    @Option(names = "--washout", paramLabel = "DURATION", defaultValue = "24h", description = "rows this soon after an outcome "
            + "are left out")
    Duration washout;
}
