package dev.tasklane.ledger.projection;

/**
 * A record that breaks the event contract: it cannot be read, or it says something the contract forbids (a
 * {@code TaskStarted} on a request topic, a task id reused for another task type). Retrying cannot fix it: it goes to
 * the dead-letter topic with this message as the reason.
 */
public class ContractViolationException extends RuntimeException {

    public ContractViolationException(String message) {
        super(message);
    }

    public ContractViolationException(String message, Throwable cause) {
        super(message, cause);
    }
}
