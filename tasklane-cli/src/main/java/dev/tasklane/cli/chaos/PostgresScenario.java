package dev.tasklane.cli.chaos;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import dev.tasklane.cli.load.Load;
import dev.tasklane.cli.stack.ScratchStack;

/** {@code postgres}: PostgreSQL stopped for 15 s while the gateway takes add-clients. */
final class PostgresScenario {

    /** The add-clients' names: this one and the request's number. */
    private static final String CLIENTS = "Chaos Postgres";

    private final ChaosRun run;
    private final ScratchStack scratch;

    PostgresScenario(ChaosRun run) {
        this.run = run;
        this.scratch = run.scratch;
    }

    void run() throws Exception {
        int requests = 400;
        run.say("postgres: " + requests + " add-clients at 10/s; PostgreSQL stops 10 s in, for 15 s");
        run.resetSimulators();
        CompletableFuture<List<Load.Answer>> load = run.load(CLIENTS, requests, 10);
        ChaosRun.pause(10);
        long down = System.nanoTime();
        scratch.stack.stopPostgres();
        run.say("postgres: stopped");
        ChaosRun.pause(15);
        scratch.stack.startPostgres();
        long up = System.nanoTime();
        run.say("postgres: started again");
        List<Load.Answer> answers = load.get();

        List<Load.Answer> refused =
                answers.stream().filter(answer -> answer.status() != 200).toList();
        long unavailable = refused.stream()
                .filter(answer -> answer.status() == 503 && answer.body().contains("database_unavailable"))
                .count();
        long slowest = refused.stream().mapToLong(Load.Answer::nanos).max().orElse(0);
        Optional<Load.Answer> firstBack = answers.stream()
                .filter(answer -> answer.status() == 200 && answer.finished() > up)
                .min(java.util.Comparator.comparingLong(Load.Answer::finished));
        long written;
        try (Connection db = ScratchStack.connect(scratch.settings);
                PreparedStatement query = db.prepareStatement("SELECT count(*) FROM clients WHERE name = ANY (?)")) {
            query.setArray(
                    1,
                    db.createArrayOf(
                            "text",
                            refused.stream()
                                    .map(answer -> CLIENTS + " " + answer.index())
                                    .toArray()));
            try (ResultSet count = query.executeQuery()) {
                count.next();
                written = count.getLong(1);
            }
        }
        String note = String.format(
                Locale.ROOT,
                "PostgreSQL down %.1f s: %d of %d requests refused, %d of them 503 "
                        + "`database_unavailable`, the slowest refusal %s; %d refused clients written anyway (half-written); "
                        + "first add-client served %s after PostgreSQL was back, with no service restarted.",
                (up - down) / 1e9,
                refused.size(),
                answers.size(),
                unavailable,
                ChaosRun.seconds(slowest),
                written,
                firstBack
                        .map(answer -> ChaosRun.seconds(answer.finished() - up))
                        .orElse("never"));
        run.say("postgres: " + note);
        run.note("- " + note);
        if (written > 0 || unavailable != refused.size() || firstBack.isEmpty()) {
            run.failed();
        }
        run.finish(
                "PostgreSQL stopped for 15 s under " + requests + " add-clients at 10/s",
                answers,
                run.dbNowAfter(up),
                "PostgreSQL's return");
    }
}
