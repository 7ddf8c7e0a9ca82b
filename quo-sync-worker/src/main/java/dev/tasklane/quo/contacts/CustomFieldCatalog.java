package dev.tasklane.quo.contacts;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.stereotype.Component;

/**
 * The workspace's contact custom fields ({@code GET /v1/contact-custom-fields}), fetched at most every five minutes
 * (every call spends the key's 10 requests per second), and fetched again at once when a configured key is missing, so
 * a field created in Quo a moment ago is found.
 */
@Component
public class CustomFieldCatalog {

    static final Duration FRESH_FOR = Duration.ofMinutes(5);

    private final QuoClient quo;
    private List<Contact.CustomField> fields;
    private Instant fetchedAt = Instant.MIN;

    CustomFieldCatalog(QuoClient quo) {
        this.quo = quo;
    }

    /**
     * One configured custom field.
     *
     * @param setting the setting that names its key, for the message
     * @param key     its key in Quo
     * @param types   the Quo field types its value fits
     */
    public record Use(String setting, String key, Set<String> types) {}

    /** A configured custom field that the workspace lacks or that has a type its value does not fit. */
    public static class MisconfiguredFieldException extends RuntimeException {
        MisconfiguredFieldException(String message) {
            super(message);
        }
    }

    /** Returns normally when every field in {@code uses} exists in the workspace with a fitting type. */
    public void require(List<Use> uses) {
        List<String> problems = problems(uses, fields(false));
        if (!problems.isEmpty()) {
            problems = problems(uses, fields(true));
        }
        if (!problems.isEmpty()) {
            throw new MisconfiguredFieldException(String.join(" ", problems) + " The workspace's contact custom fields "
                    + "are: " + describe(fields(false)) + ".");
        }
    }

    /** Forgets the fields, so the next {@link #require} asks Quo: the workspace's fields changed. */
    public synchronized void forget() {
        fields = null;
    }

    private synchronized List<Contact.CustomField> fields(boolean refresh) {
        Instant now = Instant.now();
        if (refresh || fields == null || fetchedAt.plus(FRESH_FOR).isBefore(now)) {
            fields = List.copyOf(quo.customFields());
            fetchedAt = now;
        }
        return fields;
    }

    private static List<String> problems(List<Use> uses, List<Contact.CustomField> fields) {
        List<String> problems = new ArrayList<>();
        for (Use use : uses) {
            Optional<Contact.CustomField> field =
                    fields.stream().filter(f -> use.key().equals(f.key())).findFirst();
            if (field.isEmpty()) {
                problems.add("Quo has no contact custom field with key '" + use.key() + "' (" + use.setting() + ").");
            } else if (!use.types().contains(field.get().type())) {
                problems.add("The Quo custom field '" + field.get().name() + "' (key '" + use.key() + "', "
                        + use.setting() + ") is of type " + field.get().type() + ", but needs to be "
                        + String.join(" or ", use.types().stream().sorted().toList()) + ".");
            }
        }
        return problems;
    }

    private static String describe(List<Contact.CustomField> fields) {
        return fields.isEmpty()
                ? "none"
                : fields.stream()
                        .map(f -> f.name() + " (key '" + f.key() + "', " + f.type() + ")")
                        .collect(Collectors.joining(", "));
    }
}
