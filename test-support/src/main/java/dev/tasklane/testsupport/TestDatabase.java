package dev.tasklane.testsupport;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;

/** One database of the test PostgreSQL server, with the credentials to reach it. */
public record TestDatabase(String name, String url, String user, String password) {

    /** A connection per call, no pool: for tests that talk to the database directly. */
    public DataSource dataSource() {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(url);
        dataSource.setUser(user);
        dataSource.setPassword(password);
        return dataSource;
    }
}
