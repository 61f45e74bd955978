package io.clinicalpipeline.cli;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;

/** Switches the launcher's log4j2.properties between its two appenders. */
final class LogFormats {
    static final String TEXT_APPENDER = "out";
    static final String JSON_APPENDER = "json";
    private static final String PROPERTY = "pipeline.log.appender";

    private LogFormats() {}

    /** Reconfigures logging when the appender changes (the configuration reads the property when it loads). */
    static synchronized void use(String appender) {
        if (appender.equals(System.getProperty(PROPERTY, TEXT_APPENDER))) {
            return;
        }
        System.setProperty(PROPERTY, appender);
        if (LogManager.getContext(false) instanceof LoggerContext context) {
            context.reconfigure();
        }
    }
}
