package dev.tasklane.ledger.projection;

import org.springframework.context.annotation.Profile;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Every minute ({@code tasklane.ledger.supersession-sweep}), supersedes the failures two concurrent batches missed
 * ({@link FailureInbox#sweep()}). Any instance may run it: the statement is idempotent.
 */
@Component
@Profile("!rebuild")
class SupersessionSweep {

    private final FailureInbox inbox;
    private final TransactionTemplate transactions;

    SupersessionSweep(FailureInbox inbox, TransactionTemplate transactions) {
        this.inbox = inbox;
        this.transactions = transactions;
    }

    @Scheduled(
            fixedDelayString = "${tasklane.ledger.supersession-sweep:60s}",
            initialDelayString = "${tasklane.ledger.supersession-sweep:60s}")
    void sweep() {
        transactions.executeWithoutResult(status -> inbox.sweep());
    }
}
