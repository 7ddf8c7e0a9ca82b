package dev.tasklane.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.tasklane.cli.stack.LocalStack;
import dev.tasklane.cli.stack.Settings;
import picocli.CommandLine.Command;

@Command(
        name = "rebuild-ledger",
        mixinStandardHelpOptions = true,
        header = "Rebuilds background_tasks from the Kafka topics.",
        description = {
            "Rebuilds background_tasks from the Kafka topics: empties the table and replays every request",
            "topic and task.status from the beginning through the ledger's projection (dismissals included),",
            "then prints how many tasks and events. The live ledger may keep running.",
            "",
            "Uses the local stack's database and Kafka, or TASKLANE_DB_URL / TASKLANE_DB_USER / TASKLANE_DB_PASSWORD",
            "and TASKLANE_KAFKA_BOOTSTRAP when set."
        })
final class RebuildLedgerCommand implements Callable<Integer> {

    @Override
    public Integer call() throws Exception {
        Settings settings = Settings.fromEnvironment();
        Path jar = LocalStack.jars(settings.root()).get(Settings.LEDGER.part());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-jar", jar.toString(), "rebuild")).inheritIO();
        builder.environment()
                .putAll(Map.of(
                        "TASKLANE_DB_URL", settings.databaseUrl(),
                        "TASKLANE_DB_USER", settings.databaseUser(),
                        "TASKLANE_DB_PASSWORD", settings.databasePassword(),
                        "TASKLANE_KAFKA_BOOTSTRAP", settings.kafkaBootstrap(),
                        "TASKLANE_JWT_SECRET", settings.jwtSecret(false),
                        "SPRING_MAIN_BANNER_MODE", "off"));
        return builder.start().waitFor();
    }
}
