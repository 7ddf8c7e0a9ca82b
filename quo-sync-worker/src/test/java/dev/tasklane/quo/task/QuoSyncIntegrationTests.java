package dev.tasklane.quo.task;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.events.EntityTypes;
import dev.tasklane.events.TaskCompleted;
import dev.tasklane.events.TaskEvent;
import dev.tasklane.events.TaskFailed;
import dev.tasklane.events.TaskRef;
import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTopics;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.quo.Clients;
import dev.tasklane.quo.QuoWorkerTest;
import dev.tasklane.testsupport.TestTopics;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.transaction.IllegalTransactionStateException;
import tools.jackson.databind.JsonNode;

import static dev.tasklane.quo.QuoSimulatorHolder.SIMULATOR;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Creating, updating and filling in appointments on Quo contacts, exactly once in effect, as Quo's spec says. */
@QuoWorkerTest
class QuoSyncIntegrationTests {

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    KafkaTemplate<String, TaskEvent> kafka;

    @Autowired
    MeterRegistry meters;

    @Autowired
    KafkaListenerEndpointRegistry listeners;

    @Autowired
    ContactRows rows;

    private Clients clients;

    @BeforeEach
    void freshQuo() {
        SIMULATOR.reset();
        clients = new Clients(jdbc, kafka);
    }

    @AfterEach
    void everyCallAndAnswerWasAsQuosSpecSays() {
        assertThat(Clients.specProblems()).isEmpty();
    }

    @Test
    void aNewClientGetsAQuoContactWhoseIdIsStoredOnTheClient() {
        UUID jane = clients.aClient("Jane Doe", "+12125550123", "jane@example.com");

        TaskCompleted done = TestTopics.awaitCompleted(clients.syncClient(jane, "Jane Doe"));

        JsonNode contact = clients.contactOf(jane);
        assertThat(contact.at("/defaultFields/firstName").asString()).isEqualTo("Jane");
        assertThat(contact.at("/defaultFields/lastName").asString()).isEqualTo("Doe");
        assertThat(contact.at("/defaultFields/phoneNumbers/0/value").asString()).isEqualTo("+12125550123");
        assertThat(contact.at("/defaultFields/phoneNumbers/0/name").asString()).isEqualTo("client phone");
        assertThat(contact.at("/defaultFields/emails/0/value").asString()).isEqualTo("jane@example.com");
        assertThat(contact.get("source").asString()).isEqualTo("tasklane");
        assertThat(clients.quoContactId(jane)).isEqualTo(contact.get("id").asString());
        assertThat(done.result())
                .containsEntry("contact_id", contact.get("id").asString())
                .containsEntry("outcome", "created");
        assertThat(SIMULATOR.exchanges())
                .extracting(exchange -> exchange.method() + " " + exchange.status())
                .as("looked for an existing contact before creating one")
                .containsExactly("GET 200", "POST 201");
    }

    @Test
    void theClientsLockReadAndWriteRunOnlyInsideTheSyncsTransaction() {
        UUID anyone = UUID.randomUUID();

        assertThatThrownBy(() -> rows.lockClient(anyone)).isInstanceOf(IllegalTransactionStateException.class);
        assertThatThrownBy(() -> rows.client(anyone)).isInstanceOf(IllegalTransactionStateException.class);
        assertThatThrownBy(() -> rows.nextAppointment(anyone, null))
                .isInstanceOf(IllegalTransactionStateException.class);
        assertThatThrownBy(() -> rows.storeContactId(anyone, "AC1"))
                .isInstanceOf(IllegalTransactionStateException.class);
        assertThat(rows.clientOf(anyone)).isEmpty();
    }

    @Test
    void callsContactsAndTaskDurationsAreMeasured() {
        UUID client = clients.aClient("Metered Client", null, null);

        TestTopics.awaitCompleted(clients.syncClient(client, "Metered Client"));

        assertThat(meters.get("http.client.requests")
                        .tag("uri", "/v1/contacts")
                        .tag("method", "POST")
                        .tag("status", "201")
                        .timer()
                        .count())
                .isPositive();
        assertThat(meters.get("http.client.requests")
                        .tag("uri", "/v1/contacts?externalIds={externalId}&maxResults={max}")
                        .tag("status", "200")
                        .timer()
                        .count())
                .isPositive();
        assertThat(meters.get("tasklane.quo.contacts")
                        .tag("outcome", "created")
                        .counter()
                        .count())
                .isPositive();
        assertThat(meters.get("tasklane.worker.tasks")
                        .tag("task_type", "sync_quo")
                        .tag("outcome", "completed")
                        .timer()
                        .count())
                .isPositive();
    }

    @Test
    void aChangedClientUpdatesTheSameContact() {
        UUID client = clients.aClient("Sam Lee", "+12125550130", "sam@example.com");
        TestTopics.awaitCompleted(clients.syncClient(client, "Sam Lee"));
        String contactId = clients.quoContactId(client);
        jdbc.update("UPDATE clients SET name = 'Sam Leeds', phone = '+12125550131', email = NULL WHERE id = ?", client);

        TaskCompleted done = TestTopics.awaitCompleted(clients.syncClient(client, "Sam Leeds"));

        JsonNode contact = clients.contactOf(client);
        assertThat(contact.get("id").asString()).isEqualTo(contactId);
        assertThat(contact.at("/defaultFields/lastName").asString()).isEqualTo("Leeds");
        assertThat(contact.at("/defaultFields/phoneNumbers/0/value").asString()).isEqualTo("+12125550131");
        assertThat(contact.at("/defaultFields/emails").size()).isZero();
        assertThat(done.result()).containsEntry("outcome", "updated");
        assertThat(SIMULATOR.exchanges())
                .extracting(exchange -> exchange.method() + " " + exchange.status())
                .as("the stored id reads the contact directly")
                .endsWith("GET 200", "PATCH 200");
    }

    @Test
    void aRedeliveredOrRepeatedTaskNeverCreatesASecondContact() {
        UUID client = clients.aClient("Dee Plicate", "+12125550140", null);
        TaskRequested request = clients.syncClient(client, "Dee Plicate");
        clients.send(request);
        TaskRequested another = clients.syncClient(client, "Dee Plicate");

        TestTopics.awaitCompleted(request);
        TaskCompleted last = TestTopics.awaitCompleted(another);

        await().atMost(Duration.ofSeconds(20))
                .until(() -> TestTopics.events(TaskTopics.STATUS, request.taskId(), TaskCompleted.class)
                                .size()
                        == 2);
        assertThat(clients.contactsOf(client)).hasSize(1);
        assertThat(Clients.stats().get("created").asInt()).isEqualTo(1);
        assertThat(last.result().get("outcome")).isEqualTo("unchanged");
    }

    @Test
    void aContactCreatedBeforeItsIdWasStoredIsFoundByExternalIdNotCreatedAgain() {
        UUID client = clients.aClient("Crash Recovery", "+12125550150", null);
        TestTopics.awaitCompleted(clients.syncClient(client, "Crash Recovery"));
        String contactId = clients.quoContactId(client);
        // as if the worker died after Quo created the contact and before the id was committed
        jdbc.update("UPDATE clients SET quo_contact_id = NULL WHERE id = ?", client);

        TaskCompleted done = TestTopics.awaitCompleted(clients.syncClient(client, "Crash Recovery"));

        assertThat(done.result()).containsEntry("contact_id", contactId).containsEntry("outcome", "unchanged");
        assertThat(clients.quoContactId(client)).isEqualTo(contactId);
        assertThat(clients.contactsOf(client)).hasSize(1);
    }

    @Test
    void aContactDeletedInQuoIsCreatedAgainAndTheNewIdStored() {
        UUID client = clients.aClient("Gone Again", null, "gone@example.com");
        TestTopics.awaitCompleted(clients.syncClient(client, "Gone Again"));
        String first = clients.quoContactId(client);
        clients.deleteInQuo(first);

        TaskCompleted done = TestTopics.awaitCompleted(clients.syncClient(client, "Gone Again"));

        assertThat(done.result()).containsEntry("outcome", "created");
        assertThat(clients.quoContactId(client))
                .isNotEqualTo(first)
                .isEqualTo(clients.contactOf(client).get("id").asString());
    }

    @Test
    void aConflictOnCreatingMeansTheContactExistsAndItIsUpdated() {
        UUID client = clients.aClient("Con Flict", "+12125550160", null);
        // the lookup and the create both wait a second; meanwhile someone else creates the contact
        Clients.mode("{\"mode\": \"slow\", \"count\": 2, \"slow_ms\": 1000}");
        TaskRequested request = clients.syncClient(client, "Con Flict");
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Clients.stats().get("requests").asInt() == 2);
        clients.createInQuo("{\"defaultFields\": {\"firstName\": \"Con\", \"lastName\": \"F.\"}, \"externalId\": \""
                + client + "\", \"source\": \"someone-else\"}");

        TaskCompleted done = TestTopics.awaitCompleted(request);

        assertThat(SIMULATOR.exchanges())
                .extracting(exchange -> exchange.method() + " " + exchange.status())
                .contains("POST 409");
        assertThat(done.result()).containsEntry("outcome", "updated");
        JsonNode contact = clients.contactOf(client);
        assertThat(contact.at("/defaultFields/lastName").asString()).isEqualTo("Flict");
        assertThat(clients.quoContactId(client)).isEqualTo(contact.get("id").asString());
    }

    @Test
    void anUpdateKeepsAPhoneNumberSomeoneAddedInQuoByHand() {
        UUID client = clients.aClient("Hand Added", "+12125550170", null);
        TestTopics.awaitCompleted(clients.syncClient(client, "Hand Added"));
        JsonNode contact = clients.contactOf(client);
        String ours = contact.at("/defaultFields/phoneNumbers/0/id").asString();
        clients.editInQuo(
                contact.get("id").asString(),
                "{\"defaultFields\": {\"phoneNumbers\": ["
                        + "{\"name\": \"client phone\", \"value\": \"+12125550170\", \"id\": \"" + ours + "\"},"
                        + "{\"name\": \"daughter\", \"value\": \"+12125550999\"}]}}");
        jdbc.update("UPDATE clients SET phone = '+12125550171' WHERE id = ?", client);

        TestTopics.awaitCompleted(clients.syncClient(client, "Hand Added"));

        JsonNode phones = clients.contactOf(client).at("/defaultFields/phoneNumbers");
        List<String> numbers = new ArrayList<>();
        phones.forEach(phone -> numbers.add(
                phone.get("name").asString() + " " + phone.get("value").asString()));
        assertThat(numbers).containsExactlyInAnyOrder("client phone +12125550171", "daughter +12125550999");
    }

    @Test
    void anAppointmentPutsTheClientsNextScheduledAppointmentOnTheContact() {
        Clients.customFields("[{\"name\": \"Next appointment\", \"key\": \"next-appointment\", \"type\": \"date\"},"
                + "{\"name\": \"Pickup address\", \"key\": \"pickup-address\", \"type\": \"address\"},"
                + "{\"name\": \"Dropoff address\", \"key\": \"dropoff-address\", \"type\": \"address\"},"
                + "{\"name\": \"Inbound lead\", \"key\": \"inbound-lead\", \"type\": \"string\"}]");
        UUID client = clients.aClient("Anna Point", "+12125550180", null);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        UUID later = clients.anAppointment(client, now.plus(3, ChronoUnit.DAYS), "5 Later Rd", "Clinic A");
        UUID sooner = clients.anAppointment(client, now.plus(1, ChronoUnit.DAYS), null, "Clinic B");
        clients.anAppointment(client, now.minus(1, ChronoUnit.DAYS), "Past Rd", "Past Clinic");
        TestTopics.awaitCompleted(clients.syncClient(client, "Anna Point"));
        clients.editInQuo(
                clients.quoContactId(client), "{\"customFields\": [{\"key\": \"inbound-lead\", \"value\": \"yes\"}]}");

        TaskCompleted first =
                TestTopics.awaitCompleted(clients.sync(EntityTypes.APPOINTMENT, later, "Anna Point, later"));

        assertThat(customFields(client))
                .containsExactlyInAnyOrder(
                        "inbound-lead=yes",
                        "next-appointment=" + now.plus(1, ChronoUnit.DAYS),
                        "pickup-address=1 Anna Point Street, Springfield",
                        "dropoff-address=Clinic B");
        assertThat(first.result())
                .containsEntry("next_appointment", now.plus(1, ChronoUnit.DAYS).toString());

        jdbc.update("UPDATE appointments SET status = 'cancelled' WHERE id = ?", sooner);
        TestTopics.awaitCompleted(clients.sync(EntityTypes.APPOINTMENT, sooner, "Anna Point, sooner"));

        assertThat(customFields(client))
                .containsExactlyInAnyOrder(
                        "inbound-lead=yes",
                        "next-appointment=" + now.plus(3, ChronoUnit.DAYS),
                        "pickup-address=5 Later Rd",
                        "dropoff-address=Clinic A");
        assertThat(SIMULATOR.exchanges())
                .filteredOn(exchange -> exchange.path().equals("/v1/contact-custom-fields"))
                .as("the workspace's fields are looked up once, not per task")
                .hasSize(1);
    }

    @Test
    void aCustomFieldRemovedFromTheWorkspaceFailsTheTaskWithTheSettingToCorrect() {
        UUID client = clients.aClient("Field Gone", null, null);
        UUID appointment = clients.anAppointment(client, Instant.now().plus(2, ChronoUnit.DAYS), "1 Here", "2 There");
        TestTopics.awaitCompleted(clients.sync(EntityTypes.APPOINTMENT, appointment, "Field Gone, soon"));
        Clients.customFields("[{\"name\": \"Next appointment\", \"key\": \"next-appointment\", \"type\": \"date\"},"
                + "{\"name\": \"Dropoff\", \"key\": \"dropoff-address\", \"type\": \"string\"}]");
        jdbc.update("UPDATE appointments SET pickup_address = '3 Elsewhere' WHERE id = ?", appointment);

        TaskFailed rejected =
                TestTopics.awaitFailed(clients.sync(EntityTypes.APPOINTMENT, appointment, "Field Gone, soon"));
        TaskFailed checked =
                TestTopics.awaitFailed(clients.sync(EntityTypes.APPOINTMENT, appointment, "Field Gone, soon"));

        assertThat(rejected.error().code()).isEqualTo("CUSTOM_FIELD_MISSING");
        assertThat(rejected.error().message())
                .contains("Custom field with key 'pickup-address' does not exist")
                .contains("Retry the task");
        assertThat(checked.error().code()).isEqualTo("CUSTOM_FIELD_MISSING");
        assertThat(checked.error().message())
                .contains("Quo has no contact custom field with key 'pickup-address' (tasklane.quo.custom-fields."
                        + "pickup-address, TASKLANE_QUO_FIELD_PICKUP_ADDRESS)")
                .contains("The workspace's contact custom fields are: Next appointment (key 'next-appointment', date), "
                        + "Dropoff (key 'dropoff-address', string).")
                .contains("Create the field in Quo");
        assertThat(checked.error().retryable()).isFalse();
    }

    @Test
    void twoSyncsOfOneClientAtOnceEndWithTheNewerDetails() {
        UUID client = clients.aClient("Old Name", null, null);
        // the first sync's first call takes two seconds; the second sync starts meanwhile, after a rename
        Clients.mode("{\"mode\": \"slow\", \"count\": 1, \"slow_ms\": 2000}");
        TaskRequested older = request(client, "Old Name");
        int olderPartition = clients.send(older);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> Clients.stats().get("requests").asInt() == 1);
        jdbc.update("UPDATE clients SET name = 'New Name' WHERE id = ?", client);
        TaskRequested newer = request(client, "New Name");
        clients.send(newer, partitionOfAnotherConsumer(olderPartition));

        TestTopics.awaitCompleted(older);
        TestTopics.awaitCompleted(newer);

        assertThat(clients.contactOf(client).at("/defaultFields/firstName").asString())
                .isEqualTo("New");
    }

    private static TaskRequested request(UUID client, String name) {
        return TaskRequested.of(
                TaskRef.newTask(TaskTypes.SYNC_QUO, EntityTypes.CLIENT, client, name, UUID.randomUUID()),
                Map.of("client_id", client.toString()));
    }

    /** A partition that another consumer thread than the one reading {@code partition} reads. */
    private int partitionOfAnotherConsumer(int partition) {
        ConcurrentMessageListenerContainer<?, ?> container =
                (ConcurrentMessageListenerContainer<?, ?>) listeners.getListenerContainer("quo-sync-worker");
        return container.getAssignmentsByClientId().values().stream()
                .filter(assigned -> assigned.stream().noneMatch(tp -> tp.partition() == partition))
                .flatMap(Collection::stream)
                .findFirst()
                .orElseThrow()
                .partition();
    }

    private List<String> customFields(UUID client) {
        List<String> values = new ArrayList<>();
        clients.contactOf(client)
                .get("customFields")
                .forEach(field -> values.add(field.get("key").asString() + "="
                        + (field.get("value").isNull()
                                ? "null"
                                : field.get("value").asString())));
        return values;
    }
}
