package dev.tasklane.ledger.system;

import java.util.function.Supplier;

import dev.tasklane.auth.Caller;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs database work as the caller, the way PostgREST does: in one transaction, {@code SET LOCAL ROLE authenticated}
 * and the caller's claims in {@code request.jwt.claims}. Row-level security then decides what the caller sees, so a
 * mistake in a query's own filter cannot show one user another's tasks.
 */
@Component
public class CallerTransactions {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;

    CallerTransactions(JdbcTemplate jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** Runs {@code work} in a new transaction as {@code caller}. */
    public <T> T asCaller(Caller caller, Supplier<T> work) {
        return transactions.execute(status -> {
            jdbc.queryForList(
                    "SELECT set_config('request.jwt.claims', ?, true), set_config('role', 'authenticated', true)",
                    JSON.writeValueAsString(caller.databaseClaims()));
            return work.get();
        });
    }

    /**
     * Inside {@link #asCaller}, goes back to the service's own role for the rest of the transaction: for writing
     * what the caller was allowed to ask for (the projection of their dismissal or retry).
     */
    public void asService() {
        jdbc.execute("SET LOCAL ROLE NONE");
    }
}
