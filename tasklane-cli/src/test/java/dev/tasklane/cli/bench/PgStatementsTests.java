package dev.tasklane.cli.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PgStatementsTests {

    @Test
    void topStatementsArePrintedPerTaskWithTheTotalOfAll() {
        List<PgStatements.Row> rows = List.of(
                new PgStatements.Row("UPDATE clients SET address = $1\n   WHERE id = $2", 1000, 500.0, 1000),
                new PgStatements.Row("INSERT INTO outbox (event_id) VALUES ($1)", 1000, 1500.0, 1000),
                new PgStatements.Row("SELECT a || b FROM t", 10, 0.5, 30));

        List<String> lines = PgStatements.report(rows, 500, "task");

        assertThat(lines.get(0)).isEqualTo("| calls per task | ms per task | rows per call | statement |");
        assertThat(lines.get(2)).isEqualTo("| 2.00 | 3.000 | 1.0 | `INSERT INTO outbox (event_id) VALUES ($1)` |");
        assertThat(lines.get(3)).isEqualTo("| 2.00 | 1.000 | 1.0 | `UPDATE clients SET address = $1 WHERE id = $2` |");
        assertThat(lines.get(4)).isEqualTo("| 0.02 | 0.001 | 3.0 | `SELECT a \\|\\| b FROM t` |");
        assertThat(lines.get(5))
                .startsWith(
                        "PostgreSQL execution time per task, all 3 statements: 4.00 ms (the top 3: 4.00 ms, 100 %)");
    }

    @Test
    void onlyTheTopTenAreListedButAllCountInTheTotal() {
        List<PgStatements.Row> rows = new java.util.ArrayList<>();
        for (int i = 1; i <= 12; i++) {
            rows.add(new PgStatements.Row("SELECT " + i, 1, i, 1));
        }

        List<String> lines = PgStatements.report(rows, 1, "task");

        assertThat(lines).hasSize(2 + 10 + 1);
        assertThat(lines.get(2)).contains("`SELECT 12`");
        assertThat(lines.get(12)).contains("all 12 statements: 78.00 ms (the top 10: 75.00 ms, 96 %)");
    }

    @Test
    void theBenchsOwnQueriesAreLeftOutAndCountedApart() {
        List<PgStatements.Row> rows = List.of(
                new PgStatements.Row("/* bench */ SELECT count(*) FROM background_tasks", 100, 20.0, 100),
                new PgStatements.Row("SELECT pg_stat_statements_reset()", 1, 1.0, 1),
                new PgStatements.Row("DELETE FROM outbox WHERE id = ANY($1)", 10, 10.0, 100));

        List<String> lines = PgStatements.report(rows, 10, "task");

        assertThat(lines).hasSize(4);
        assertThat(lines.get(2)).contains("DELETE FROM outbox");
        assertThat(lines.get(3)).contains("all 1 statements: 1.00 ms").endsWith("left out: 2.100 ms.");
    }

    @Test
    void aLongStatementIsCutToOneLine() {
        String query =
                "INSERT INTO background_tasks (id, entity_type)\n    SELECT v.id::uuid, v.entity_type FROM unnest($1::text[], "
                        + "$2::text[]) AS v(id, entity_type) ON CONFLICT (id) DO NOTHING RETURNING id";

        String line = PgStatements.oneLine(query, 100);

        assertThat(line)
                .hasSize(100)
                .doesNotContain("\n")
                .endsWith("…")
                .startsWith("INSERT INTO background_tasks (id, entity_type) SELECT v.id::uuid");
        assertThat(PgStatements.oneLine("  SELECT  1 ", 100)).isEqualTo("SELECT 1");
    }
}
