package dev.tasklane.quo.contacts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a client's Quo contact should say, from Tasklane's records.
 *
 * @param externalId   the client id
 * @param firstName    all of the client's name but its last word (all of it for a one-word name)
 * @param lastName     the last word of the client's name; null for a one-word name
 * @param phone        the client's phone in E.164; null when none
 * @param email        the client's email; null when none
 * @param customFields custom field key → value (null clears it); only the fields this sync manages
 */
public record WantedContact(
        String externalId,
        String firstName,
        String lastName,
        String phone,
        String email,
        Map<String, String> customFields) {

    public WantedContact {
        customFields = Collections.unmodifiableMap(new LinkedHashMap<>(customFields));
    }

    /** The contact of a client named {@code name}, split into a first and a last name. */
    public static WantedContact ofClient(
            String clientId, String name, String phone, String email, Map<String, String> customFields) {
        String trimmed = name.strip().replaceAll("\\s+", " ");
        int lastSpace = trimmed.lastIndexOf(' ');
        String first = lastSpace < 0 ? trimmed : trimmed.substring(0, lastSpace);
        String last = lastSpace < 0 ? null : trimmed.substring(lastSpace + 1);
        return new WantedContact(clientId, first, last, blankToNull(phone), blankToNull(email), customFields);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
