package dev.tasklane.quo.contacts;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.tasklane.simulators.quo.QuoSpec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The bodies that create and update a contact: what they carry, what they keep, and that Quo's spec accepts them. */
class ContactMergeTests {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String CLIENT = "6f1c5a2e-8a61-4f0e-9a51-0c1f3f1c2b7d";

    private static WantedContact jane(String phone, String email) {
        return WantedContact.ofClient(CLIENT, "Jane Doe", phone, email, Map.of());
    }

    private static Contact existing(
            List<Contact.Entry> phones, List<Contact.Entry> emails, List<Contact.CustomFieldValue> custom) {
        return new Contact("c1", CLIENT, new Contact.DefaultFields("Jane", "Doe", emails, phones), custom);
    }

    private static Contact.CustomFieldValue value(String key, String value) {
        return new Contact.CustomFieldValue(
                key,
                value == null
                        ? JSON.getNodeFactory().nullNode()
                        : JSON.getNodeFactory().stringNode(value));
    }

    @Test
    void aNameSplitsIntoFirstNamesAndTheLastWord() {
        assertThat(WantedContact.ofClient(CLIENT, "  Mary  Ann Smith ", null, null, Map.of()))
                .extracting(WantedContact::firstName, WantedContact::lastName)
                .containsExactly("Mary Ann", "Smith");
        assertThat(WantedContact.ofClient(CLIENT, "Cher", " ", "", Map.of()))
                .extracting(
                        WantedContact::firstName, WantedContact::lastName, WantedContact::phone, WantedContact::email)
                .containsExactly("Cher", null, null, null);
    }

    @Test
    void aNewContactCarriesTheClientsDetailsExternalIdAndSourceAsTheSpecSays() {
        ObjectNode body = ContactMerge.creation(jane("+12125550123", "jane@example.com"), "tasklane");

        assertThat(body.at("/defaultFields/firstName").asString()).isEqualTo("Jane");
        assertThat(body.at("/defaultFields/lastName").asString()).isEqualTo("Doe");
        assertThat(body.at("/defaultFields/phoneNumbers/0/name").asString()).isEqualTo(ContactMerge.PHONE_NAME);
        assertThat(body.at("/defaultFields/phoneNumbers/0/value").asString()).isEqualTo("+12125550123");
        assertThat(body.at("/defaultFields/emails/0/value").asString()).isEqualTo("jane@example.com");
        assertThat(body.get("externalId").asString()).isEqualTo(CLIENT);
        assertThat(body.get("source").asString()).isEqualTo("tasklane");
        assertThat(body.has("customFields")).isFalse();
        assertThat(QuoSpec.requestProblems("POST", "/v1/contacts", body)).isEmpty();
    }

    @Test
    void aClientWithoutPhoneOrEmailGetsEmptyArraysAndNoLastNameForAOneWordName() {
        ObjectNode body =
                ContactMerge.creation(WantedContact.ofClient(CLIENT, "Cher", null, null, Map.of()), "tasklane");

        assertThat(body.at("/defaultFields/phoneNumbers").size()).isZero();
        assertThat(body.at("/defaultFields/emails").size()).isZero();
        assertThat(body.at("/defaultFields").has("lastName")).isFalse();
        assertThat(QuoSpec.requestProblems("POST", "/v1/contacts", body)).isEmpty();
    }

    @Test
    void anUpdateKeepsANumberAddedByHandWithItsIdAndReplacesOnlyTasklanesOwn() {
        Contact contact = existing(
                List.of(
                        new Contact.Entry("client phone", "+12125550123", "p1"),
                        new Contact.Entry("mobile", "+12125550999", "p2")),
                List.of(),
                List.of());

        ObjectNode body =
                ContactMerge.update(contact, jane("+12125550177", null)).orElseThrow();

        assertThat(body.at("/defaultFields/phoneNumbers")).hasSize(2);
        assertThat(body.at("/defaultFields/phoneNumbers/0").toString())
                .isEqualTo("{\"name\":\"client phone\",\"value\":\"+12125550177\",\"id\":\"p1\"}");
        assertThat(body.at("/defaultFields/phoneNumbers/1").toString())
                .isEqualTo("{\"name\":\"mobile\",\"value\":\"+12125550999\",\"id\":\"p2\"}");
        assertThat(QuoSpec.requestProblems("PATCH", "/v1/contacts/c1", body)).isEmpty();
    }

    @Test
    void aRemovedEmailLeavesOnlyTheEmailsSomeoneElseAdded() {
        Contact contact = existing(
                List.of(),
                List.of(
                        new Contact.Entry("client email", "old@example.com", "e1"),
                        new Contact.Entry("work", "jane@work.example", "e2")),
                List.of());

        ObjectNode body = ContactMerge.update(contact, jane(null, null)).orElseThrow();

        assertThat(body.at("/defaultFields/emails")).hasSize(1);
        assertThat(body.at("/defaultFields/emails/0/value").asString()).isEqualTo("jane@work.example");
    }

    @Test
    void aContactThatAlreadySaysItAllNeedsNoCallEvenInAnotherOrder() {
        Contact contact = existing(
                List.of(
                        new Contact.Entry("mobile", "+12125550999", "p2"),
                        new Contact.Entry("client phone", "+12125550123", "p1")),
                List.of(new Contact.Entry("client email", "jane@example.com", "e1")),
                List.of());

        assertThat(ContactMerge.update(contact, jane("+12125550123", "jane@example.com")))
                .isEmpty();
    }

    @Test
    void aRenameIsAnUpdate() {
        Contact contact = existing(List.of(), List.of(), List.of());

        Optional<ObjectNode> body =
                ContactMerge.update(contact, WantedContact.ofClient(CLIENT, "Jane Roe", null, null, Map.of()));

        assertThat(body)
                .hasValueSatisfying(
                        patch -> assertThat(patch.at("/defaultFields/lastName").asString())
                                .isEqualTo("Roe"));
    }

    @Test
    void appointmentFieldsReplaceTheirOwnValuesAndKeepTheOtherCustomFields() {
        Contact contact = existing(
                List.of(),
                List.of(),
                List.of(value("inbound-lead", "yes"), value("next-appointment", "2026-12-01T09:00:00.000Z")));
        Map<String, String> appointment = new LinkedHashMap<>();
        appointment.put("next-appointment", "2026-12-03T15:30:00Z");
        appointment.put("dropoff-address", null);

        ObjectNode body = ContactMerge.update(
                        contact, WantedContact.ofClient(CLIENT, "Jane Doe", null, null, appointment))
                .orElseThrow();

        assertThat(body.get("customFields").toString())
                .isEqualTo("[{\"key\":\"inbound-lead\",\"value\":\"yes\"},"
                        + "{\"key\":\"next-appointment\",\"value\":\"2026-12-03T15:30:00Z\"},"
                        + "{\"key\":\"dropoff-address\",\"value\":null}]");
        assertThat(QuoSpec.requestProblems("PATCH", "/v1/contacts/c1", body)).isEmpty();
    }

    @Test
    void theSameAppointmentWrittenWithMillisecondsIsNoChange() {
        Contact contact =
                existing(List.of(), List.of(), List.of(value("next-appointment", "2026-12-03T15:30:00.000Z")));
        Map<String, String> appointment = new LinkedHashMap<>();
        appointment.put("next-appointment", "2026-12-03T15:30:00Z");
        appointment.put("pickup-address", null);

        assertThat(ContactMerge.update(contact, WantedContact.ofClient(CLIENT, "Jane Doe", null, null, appointment)))
                .as("a field the contact lacks counts as already null")
                .isEmpty();
    }

    @Test
    void aClientSyncLeavesCustomFieldsAlone() {
        Contact contact = existing(List.of(), List.of(), List.of(value("inbound-lead", "yes")));

        ObjectNode body =
                ContactMerge.update(contact, jane("+12125550123", null)).orElseThrow();

        assertThat(body.has("customFields")).isFalse();
        assertThat(body.has("externalId")).as("unchanged, so not sent").isFalse();
    }

    @Test
    void aContactFoundByItsStoredIdGetsTheClientsExternalId() {
        Contact adopted =
                new Contact("c1", null, new Contact.DefaultFields("Jane", "Doe", List.of(), List.of()), List.of());

        ObjectNode body = ContactMerge.update(adopted, jane(null, null)).orElseThrow();

        assertThat(body.get("externalId").asString()).isEqualTo(CLIENT);
    }
}
