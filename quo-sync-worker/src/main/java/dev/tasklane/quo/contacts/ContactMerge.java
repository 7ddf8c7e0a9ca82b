package dev.tasklane.quo.contacts;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The request bodies that bring a Quo contact in line with a {@link WantedContact}. A PATCH replaces the
 * {@code emails}, {@code phoneNumbers} and {@code customFields} arrays it carries, so an update sends the whole arrays:
 * Tasklane's own entries (the phone named {@value #PHONE_NAME}, the email named {@value #EMAIL_NAME}, the custom fields
 * it manages) set to the client's values, and every other entry (a number someone added in Quo by hand) as it was,
 * with its id.
 */
public final class ContactMerge {

    /** The name of the phone number entry Tasklane owns on a contact. */
    public static final String PHONE_NAME = "client phone";
    /** The name of the email entry Tasklane owns on a contact. */
    public static final String EMAIL_NAME = "client email";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ContactMerge() {}

    /** The body of {@code POST /v1/contacts} for a contact that does not exist yet. */
    public static ObjectNode creation(WantedContact wanted, String source) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode fields = body.putObject("defaultFields");
        fields.put("firstName", wanted.firstName());
        if (wanted.lastName() != null) {
            fields.put("lastName", wanted.lastName());
        }
        fields.set("emails", entries(merged(List.of(), EMAIL_NAME, wanted.email())));
        fields.set("phoneNumbers", entries(merged(List.of(), PHONE_NAME, wanted.phone())));
        List<Contact.CustomFieldValue> custom = mergedCustomFields(List.of(), wanted.customFields());
        if (!custom.isEmpty()) {
            body.set("customFields", customFields(custom));
        }
        body.put("externalId", wanted.externalId());
        body.put("source", source);
        return body;
    }

    /** The body of {@code PATCH /v1/contacts/{id}} that makes {@code existing} say what is wanted; empty if it does. */
    public static Optional<ObjectNode> update(Contact existing, WantedContact wanted) {
        Contact.DefaultFields now = existing.defaultFields();
        List<Contact.Entry> emails = merged(now.emails(), EMAIL_NAME, wanted.email());
        List<Contact.Entry> phones = merged(now.phoneNumbers(), PHONE_NAME, wanted.phone());
        List<Contact.CustomFieldValue> custom = mergedCustomFields(existing.customFields(), wanted.customFields());
        boolean same = Objects.equals(now.firstName(), wanted.firstName())
                && Objects.equals(now.lastName(), wanted.lastName())
                && sameEntries(now.emails(), emails)
                && sameEntries(now.phoneNumbers(), phones)
                && sameCustomFields(existing.customFields(), custom)
                && wanted.externalId().equals(existing.externalId());
        if (same) {
            return Optional.empty();
        }
        ObjectNode body = JSON.createObjectNode();
        ObjectNode fields = body.putObject("defaultFields");
        fields.put("firstName", wanted.firstName());
        fields.put("lastName", wanted.lastName());
        fields.set("emails", entries(emails));
        fields.set("phoneNumbers", entries(phones));
        if (!wanted.customFields().isEmpty()) {
            body.set("customFields", customFields(custom));
        }
        if (!wanted.externalId().equals(existing.externalId())) {
            body.put("externalId", wanted.externalId());
        }
        return Optional.of(body);
    }

    /** Tasklane's entry (keeping its id) first, then every other entry unchanged. */
    private static List<Contact.Entry> merged(List<Contact.Entry> existing, String ours, String value) {
        List<Contact.Entry> result = new ArrayList<>();
        if (value != null) {
            String id = existing.stream()
                    .filter(entry -> ours.equalsIgnoreCase(entry.name()))
                    .map(Contact.Entry::id)
                    .filter(Objects::nonNull)
                    .findFirst()
                    .orElse(null);
            result.add(new Contact.Entry(ours, value, id));
        }
        existing.stream().filter(entry -> !ours.equalsIgnoreCase(entry.name())).forEach(result::add);
        return result;
    }

    /** The existing values of fields Tasklane does not manage, then the managed ones with their wanted values. */
    private static List<Contact.CustomFieldValue> mergedCustomFields(
            List<Contact.CustomFieldValue> existing, Map<String, String> wanted) {
        List<Contact.CustomFieldValue> result = new ArrayList<>();
        existing.stream()
                .filter(value -> value.key() != null && !wanted.containsKey(value.key()))
                .forEach(result::add);
        wanted.forEach((key, value) -> result.add(new Contact.CustomFieldValue(
                key,
                value == null
                        ? JSON.getNodeFactory().nullNode()
                        : JSON.getNodeFactory().stringNode(value))));
        return result;
    }

    /** The same names and values, in any order: Quo shows them its own way. */
    private static boolean sameEntries(List<Contact.Entry> before, List<Contact.Entry> after) {
        return before.stream()
                .map(entry -> entry.name() + "\u0000" + entry.value())
                .sorted()
                .toList()
                .equals(after.stream()
                        .map(entry -> entry.name() + "\u0000" + entry.value())
                        .sorted()
                        .toList());
    }

    /** Every value in {@code after} already on the contact; a field the contact lacks counts as null. */
    private static boolean sameCustomFields(
            List<Contact.CustomFieldValue> before, List<Contact.CustomFieldValue> after) {
        return after.stream()
                .allMatch(wanted -> comparable(wanted.value())
                        .equals(comparable(before.stream()
                                .filter(value -> wanted.key().equals(value.key()))
                                .map(Contact.CustomFieldValue::value)
                                .findFirst()
                                .orElse(null))));
    }

    /** A value as text, with a date-time as its instant, since Quo may write it with milliseconds. */
    private static String comparable(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        if (!value.isString()) {
            return value.toString();
        }
        try {
            return Instant.parse(value.asString()).toString();
        } catch (DateTimeParseException notADate) {
            return value.asString();
        }
    }

    private static ArrayNode entries(List<Contact.Entry> entries) {
        ArrayNode array = JSON.createArrayNode();
        for (Contact.Entry entry : entries) {
            ObjectNode item = array.addObject();
            item.put("name", entry.name());
            item.put("value", entry.value());
            if (entry.id() != null) {
                item.put("id", entry.id());
            }
        }
        return array;
    }

    private static ArrayNode customFields(List<Contact.CustomFieldValue> values) {
        ArrayNode array = JSON.createArrayNode();
        for (Contact.CustomFieldValue value : values) {
            ObjectNode item = array.addObject();
            item.put("key", value.key());
            item.set("value", value.value() == null ? JSON.getNodeFactory().nullNode() : value.value());
        }
        return array;
    }
}
