package dev.tasklane.quo.contacts;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.JsonNode;

/**
 * A Quo contact as {@code GET /v1/contacts/{id}} returns it, with the parts Tasklane reads; other properties are
 * ignored on reading and never sent back.
 *
 * @param id            Quo's id of the contact
 * @param externalId    the Tasklane client id, for contacts Tasklane created or adopted
 * @param defaultFields names, emails and phone numbers
 * @param customFields  the values of the workspace's custom fields
 */
public record Contact(String id, String externalId, DefaultFields defaultFields, List<CustomFieldValue> customFields) {

    public Contact {
        defaultFields = defaultFields == null ? new DefaultFields(null, null, List.of(), List.of()) : defaultFields;
        customFields = customFields == null ? List.of() : customFields;
    }

    /** The contact's built-in fields that Tasklane manages or keeps. */
    public record DefaultFields(String firstName, String lastName, List<Entry> emails, List<Entry> phoneNumbers) {

        public DefaultFields {
            emails = emails == null ? List.of() : emails;
            phoneNumbers = phoneNumbers == null ? List.of() : phoneNumbers;
        }
    }

    /** One email address or phone number of a contact, with Quo's id of the item once it has one. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(String name, String value, String id) {}

    /** The value of one custom field on a contact: a string, number, boolean, date-time string, list or null. */
    public record CustomFieldValue(String key, JsonNode value) {}

    /** A contact custom field defined in the workspace ({@code GET /v1/contact-custom-fields}). */
    public record CustomField(String name, String key, String type) {}
}
