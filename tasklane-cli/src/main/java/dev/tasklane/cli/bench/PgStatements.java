package dev.tasklane.cli.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import dev.tasklane.cli.stack.ScratchStack;

/**
 * The statements PostgreSQL spent its execution time on during a benchmark run ({@code pg_stat_statements}), printed
 * per task: which of them the work per task goes to, read against the total.
 */
final class PgStatements {

    static final int TOP = 10;

    private static final int QUERY_WIDTH = 100;

    /** One normalized statement's totals since the last reset. */
    record Row(String query, long calls, double totalMs, long rows) {}

    private PgStatements() {}

    static void enable(Connection db) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
        }
    }

    static void reset(Connection db) throws SQLException {
        try (Statement statement = db.createStatement()) {
            statement.execute("SELECT pg_stat_statements_reset()");
        }
    }

    /** Every statement run in this database since the last reset. */
    static List<Row> read(Connection db) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Statement statement = db.createStatement();
                ResultSet found = statement.executeQuery(
                        ScratchStack.OWN_QUERY + "SELECT query, calls, total_exec_time, rows FROM "
                                + "pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())")) {
            while (found.next()) {
                rows.add(new Row(found.getString(1), found.getLong(2), found.getDouble(3), found.getLong(4)));
            }
        }
        return rows;
    }

    /**
     * The top {@link #TOP} statements by execution time as a table, per {@code unit} ({@code task}, {@code request}),
     * then the total of all statements, so the top can be read against it.
     */
    static List<String> report(List<Row> rows, int units, String unit) {
        List<Row> tasklane = new ArrayList<>();
        double benchMs = 0;
        for (Row row : rows) {
            if (ours(row.query())) {
                benchMs += row.totalMs();
            } else {
                tasklane.add(row);
            }
        }
        tasklane.sort(Comparator.comparingDouble(Row::totalMs).reversed());
        double totalMs = tasklane.stream().mapToDouble(Row::totalMs).sum();
        double perUnit = Math.max(1, units);
        List<String> lines = new ArrayList<>();
        lines.add("| calls per " + unit + " | ms per " + unit + " | rows per call | statement |");
        lines.add("|---:|---:|---:|---|");
        double topMs = 0;
        for (Row row : tasklane.subList(0, Math.min(TOP, tasklane.size()))) {
            topMs += row.totalMs();
            lines.add(String.format(
                    Locale.ROOT,
                    "| %.2f | %.3f | %.1f | `%s` |",
                    row.calls() / perUnit,
                    row.totalMs() / perUnit,
                    row.calls() == 0 ? 0.0 : (double) row.rows() / row.calls(),
                    oneLine(row.query(), QUERY_WIDTH).replace("|", "\\|").replace("`", "'")));
        }
        lines.add(String.format(
                Locale.ROOT,
                "PostgreSQL execution time per %s, all %d statements: %.2f ms (the top %d: "
                        + "%.2f ms, %.0f %%); planning time not included; the bench's own polling, left out: %.3f ms.",
                unit,
                tasklane.size(),
                totalMs / perUnit,
                Math.min(TOP, tasklane.size()),
                topMs / perUnit,
                totalMs == 0 ? 0.0 : 100 * topMs / totalMs,
                benchMs / perUnit));
        return lines;
    }

    /** The statement on one line, whitespace collapsed, cut to {@code width} characters with an ellipsis. */
    static String oneLine(String query, int width) {
        String line = query.strip().replaceAll("\\s+", " ");
        return line.length() <= width ? line : line.substring(0, width - 1) + "…";
    }

    private static boolean ours(String query) {
        return query.startsWith(ScratchStack.OWN_QUERY.strip()) || query.contains("pg_stat_statements");
    }
}
