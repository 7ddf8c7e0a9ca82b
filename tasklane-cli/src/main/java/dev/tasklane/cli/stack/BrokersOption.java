package dev.tasklane.cli.stack;

import dev.tasklane.cli.CliException;
import picocli.CommandLine.Option;

/** {@code --brokers} of the commands that start a stack: one Kafka broker, or a KRaft cluster of three. */
public final class BrokersOption {

    @Option(
            names = "--brokers",
            paramLabel = "<n>",
            description = "Kafka brokers: 1 (default), or 3 for a KRaft cluster whose topics have 3 replicas and "
                    + "min.insync.replicas=2 (one broker may die without a write refused)")
    Integer brokers;

    /** The number given, or {@code fallback} when none was; 1 or 3, anything else refused with what to give. */
    public int orElse(int fallback) {
        int value = brokers == null ? fallback : brokers;
        if (value != 1 && value != 3) {
            throw new CliException("--brokers takes 1 or 3 (a KRaft cluster needs an odd number of controllers, and "
                    + "the stack has ports for 3), not " + value + ".");
        }
        return value;
    }
}
