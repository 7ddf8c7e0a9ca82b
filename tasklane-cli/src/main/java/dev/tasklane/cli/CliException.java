package dev.tasklane.cli;

/** Something the person running the command can fix; its message says what and how, in one line. */
public class CliException extends RuntimeException {

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}
