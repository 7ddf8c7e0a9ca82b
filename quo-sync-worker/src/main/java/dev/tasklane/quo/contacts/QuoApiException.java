package dev.tasklane.quo.contacts;

import java.util.List;

/**
 * Quo answered a call with an error status. Carries the API's own {@code message}, {@code code} and field
 * {@code errors}, so a person reading the task's failure sees what Quo said.
 */
public class QuoApiException extends RuntimeException {

    private final String operation;
    private final int status;
    private final String code;
    private final String apiMessage;
    private final List<String> problems;

    public QuoApiException(String operation, int status, String code, String apiMessage, List<String> problems) {
        super(operation + " answered HTTP " + status + (code == null ? "" : " " + code)
                + (apiMessage == null ? "" : " \"" + apiMessage + "\"")
                + (problems.isEmpty() ? "" : ": " + String.join("; ", problems)));
        this.operation = operation;
        this.status = status;
        this.code = code;
        this.apiMessage = apiMessage;
        this.problems = List.copyOf(problems);
    }

    /** The call, as {@code METHOD /path/template}. */
    public String operation() {
        return operation;
    }

    public int status() {
        return status;
    }

    /** Quo's error code, for example {@code 0800401}; null when the body had none. */
    public String code() {
        return code;
    }

    /** Quo's {@code message}; null when the body had none. */
    public String apiMessage() {
        return apiMessage;
    }

    /** Quo's field {@code errors}, each as "{@code path}: {@code message} (value …)". */
    public List<String> problems() {
        return problems;
    }

    /** Whether waiting and calling again may succeed: 429 and 5xx. */
    public boolean isTransient() {
        return status == 429 || status >= 500;
    }
}
