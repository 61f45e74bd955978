package io.clinicalpipeline.cli;

import picocli.CommandLine;

import java.util.Map;

/**
 * Defaults of shared options that one command sets differently (the demo checkpoints every 2 s, not every 10 s),
 * by long option name. Picocli asks this first and falls back to the option's own default; help shows the result.
 */
abstract class CommandDefaults implements CommandLine.IDefaultValueProvider {
    private final Map<String, String> defaults;

    CommandDefaults(Map<String, String> defaults) {
        this.defaults = defaults;
    }

    @Override
    public String defaultValue(CommandLine.Model.ArgSpec arg) {
        return arg instanceof CommandLine.Model.OptionSpec option ? defaults.get(option.longestName()) : null;
    }
}
