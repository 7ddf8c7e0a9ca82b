package dev.tasklane.schema;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Plain JDBC for schema tests: statements with positional parameters, rows as maps, and sessions that act as a signed-in
 * caller the way the services and PostgREST do ({@code SET LOCAL ROLE authenticated} plus {@code request.jwt.claims}).
 */
final class Sql {

    private final DataSource dataSource;

    Sql(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs {@code sql} in its own transaction as the database owner (no row-level security). */
    List<Map<String, Object>> query(String sql, Object... parameters) {
        try (Connection connection = dataSource.getConnection()) {
            return query(connection, sql, parameters);
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    Object value(String sql, Object... parameters) {
        List<Map<String, Object>> rows = query(sql, parameters);
        return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
    }

    void execute(String sql, Object... parameters) {
        query(sql, parameters);
    }

    /** Runs {@code work} in one transaction as the signed-in user {@code userId} with application role {@code role}. */
    <T> T asCaller(UUID userId, String role, SqlWork<T> work) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                String claims = "{\"sub\":\"" + userId + "\",\"role\":\"authenticated\",\"aud\":\"authenticated\","
                        + "\"app_metadata\":{\"provider\":\"email\",\"role\":\"" + role + "\"}}";
                query(connection, "SELECT set_config('request.jwt.claims', ?, true)", claims);
                try (Statement statement = connection.createStatement()) {
                    statement.execute("SET LOCAL ROLE authenticated");
                }
                T result = work.run(new Session(connection));
                connection.commit();
                return result;
            } catch (RuntimeException | SQLException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    /** The first value of the first row of {@code sql}, run as a signed-in caller. */
    Object callerValue(UUID userId, String role, String sql, Object... parameters) {
        return asCaller(userId, role, session -> session.value(sql, parameters));
    }

    static List<Map<String, Object>> query(Connection connection, String sql, Object... parameters) {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            if (statement.execute()) {
                try (ResultSet resultSet = statement.getResultSet()) {
                    int columns = resultSet.getMetaData().getColumnCount();
                    while (resultSet.next()) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        for (int c = 1; c <= columns; c++) {
                            Object value = resultSet.getObject(c);
                            if (value instanceof java.sql.Timestamp) {
                                value = resultSet.getObject(c, java.time.OffsetDateTime.class);
                            }
                            row.put(resultSet.getMetaData().getColumnLabel(c), value);
                        }
                        rows.add(row);
                    }
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new SqlFailure(e);
        }
    }

    /** Statements inside one caller's transaction. */
    record Session(Connection connection) {

        List<Map<String, Object>> query(String sql, Object... parameters) {
            return Sql.query(connection, sql, parameters);
        }

        Object value(String sql, Object... parameters) {
            List<Map<String, Object>> rows = query(sql, parameters);
            return rows.isEmpty() ? null : rows.get(0).values().iterator().next();
        }
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Session session) throws SQLException;
    }

    /** An SQLException, unchecked, keeping its SQLSTATE. */
    static final class SqlFailure extends RuntimeException {

        private final String sqlState;

        SqlFailure(SQLException cause) {
            super(cause.getMessage(), cause);
            this.sqlState = cause.getSQLState();
        }

        String sqlState() {
            return sqlState;
        }
    }
}
