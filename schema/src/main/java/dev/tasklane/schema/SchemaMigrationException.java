package dev.tasklane.schema;

/** Applying the schema failed; the message names the changeset or statement when Liquibase does. */
public class SchemaMigrationException extends RuntimeException {

    SchemaMigrationException(Throwable cause) {
        super(
                "Applying the Tasklane schema failed: " + rootMessage(cause)
                        + ". Nothing of the failing changeset was kept; fix the cause and run the migration again.",
                cause);
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
