package dev.tasklane.ledger.rebuild;

import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/** {@code java -jar task-ledger.jar rebuild}: runs {@link LedgerRebuild} once and prints what it did. */
@Component
@Profile("rebuild")
class RebuildRunner implements ApplicationRunner {

    private final LedgerRebuild rebuild;

    RebuildRunner(LedgerRebuild rebuild) {
        this.rebuild = rebuild;
    }

    @Override
    public void run(ApplicationArguments args) {
        LedgerRebuild.Result result = rebuild.rebuild();
        System.out.println("Rebuilt background_tasks from " + result.topics() + ": " + result.tasks() + " tasks from "
                + result.events() + " events (" + result.skipped() + " records skipped: see the -dlt topics).");
    }
}
