package dev.tasklane.quo.texts;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import dev.tasklane.events.TaskRequested;
import dev.tasklane.events.TaskTypes;
import dev.tasklane.quo.contacts.QuoApiException;
import dev.tasklane.quo.contacts.QuoClient;
import dev.tasklane.quo.system.QuoFailures;
import dev.tasklane.quo.texts.AppointmentTextRows.Appointment;
import dev.tasklane.quo.texts.AppointmentTextRows.Claim;
import dev.tasklane.worker.RateBudget;
import dev.tasklane.worker.TaskHandler;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code send_appointment_text}: texts an appointment's client the confirmation of the revision the task names (or its
 * cancellation) through Quo, exactly once in effect.
 *
 * <ul>
 *   <li>A task whose appointment changed again before it ran sends nothing: the newer revision's own task texts the
 *       client, and this one completes saying so.
 *   <li>The revision's row in {@code appointment_texts} is claimed, with the moment the send begins, and committed
 *       before Quo is called, and marked sent after; a sent revision is never texted again.
 *   <li>A claimed revision whose send may have gone out (a crash between the call and the mark, a timeout, a 5xx) is
 *       first looked up among the texts Quo sent to that number since then; only when Quo has none is it sent.
 *   <li>Texts of one appointment run one at a time (a PostgreSQL advisory lock, across instances), so two revisions'
 *       texts never cross.
 * </ul>
 *
 * The calls go through the worker's Quo client: the same key, rate budget, retry and circuit breaker as the contact
 * syncs. Its SQL is in {@link AppointmentTextRows}, its messages to people in {@link TextFailures}.
 */
@Component
class AppointmentTextHandler implements TaskHandler {

    /** How much earlier than the claimed moment Quo's sent texts are searched: the two clocks may differ. */
    private static final Duration CLOCK_MARGIN = Duration.ofMinutes(2);

    private final AppointmentTextRows rows;
    private final TransactionTemplate transactions;
    private final TransactionTemplate claims;
    private final QuoClient quo;
    private final QuoFailures failures;
    private final TextProperties properties;
    private volatile String phoneNumberId;

    AppointmentTextHandler(
            AppointmentTextRows rows,
            PlatformTransactionManager transactionManager,
            QuoClient quo,
            QuoFailures failures,
            TextProperties properties) {
        this.rows = rows;
        this.transactions = new TransactionTemplate(transactionManager);
        this.claims = new TransactionTemplate(transactionManager);
        this.claims.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.quo = quo;
        this.failures = failures;
        this.properties = properties;
    }

    @Override
    public String taskType() {
        return TaskTypes.SEND_APPOINTMENT_TEXT;
    }

    @Override
    public Map<String, Object> handle(TaskRequested request) {
        Object revision = request.payload().get("revision");
        if (!(revision instanceof Number number)) {
            throw TextFailures.noRevision(request.entityName());
        }
        return transactions.execute(status -> text(request, number.intValue()));
    }

    private Map<String, Object> text(TaskRequested request, int revision) {
        UUID id = request.entityId();
        rows.lockAppointment(id);
        Appointment appointment =
                rows.appointment(id).orElseThrow(() -> TextFailures.appointmentNotFound(request.entityName()));
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("revision", revision);
        if (appointment.revision() > revision) {
            result.put("outcome", "superseded");
            result.put("current_revision", appointment.revision());
            result.put(
                    "note",
                    "The appointment changed again (change " + appointment.revision() + ") before this text went "
                            + "out; the newer change's text replaces it.");
            return result;
        }
        if (appointment.revision() < revision) {
            throw TextFailures.unknownRevision(request.entityName(), revision, appointment.revision());
        }
        TextKind kind = switch (appointment.status()) {
            case "scheduled" -> TextKind.CONFIRMATION;
            case "cancelled" -> TextKind.CANCELLATION;
            default -> null;
        };
        if (kind == null) {
            result.put("outcome", "not_sent");
            result.put("note", "The appointment is " + appointment.status() + ": there is nothing to text the client.");
            return result;
        }
        result.put("kind", kind.value());
        Claim claim = rows.claim(id, revision).orElse(null);
        if (claim != null && claim.status().equals("sent")) {
            result.put("outcome", "already_sent");
            result.put("quo_message_id", claim.quoMessageId());
            return result;
        }
        TextTemplate template = properties.template(kind);
        String when = template.when(appointment.at());
        if (appointment.phone() == null) {
            throw TextFailures.noPhone(appointment.client(), when);
        }
        if (properties.fromNumber() == null) {
            throw TextFailures.notConfigured(appointment.client());
        }
        String content =
                template.render(appointment.client(), appointment.at(), appointment.pickup(), appointment.dropoff());
        if (content.isBlank() || content.length() > TextTemplate.MAX_LENGTH) {
            throw TextFailures.badText(appointment.client(), kind.value(), content.length(), template.setting());
        }
        String phone = appointment.phone();
        return failures.run(
                () -> {
                    Optional<QuoClient.Message> earlier = claim == null || claim.sendStartedAt() == null
                            ? Optional.empty()
                            : quo.retrying(() -> alreadySent(claim.to(), claim.content(), claim.sendStartedAt(), id));
                    if (earlier.isPresent()) {
                        result.put("recovered", true);
                    }
                    QuoClient.Message message = earlier.orElseGet(() -> {
                        Instant started = startSending(id, revision, kind, request.taskId(), phone, content);
                        return send(phone, content, started, id);
                    });
                    rows.markSent(id, revision, message.id());
                    result.put("outcome", "sent");
                    result.put("quo_message_id", message.id());
                    return result;
                },
                TextFailures.doing(appointment.client(), when),
                e -> TextFailures.quoAnswer(e, failures, appointment.client(), phone, when, properties.fromNumber()));
    }

    /** Claims the revision with what is about to be sent, committed before the call; returns the claim's moment. */
    private Instant startSending(UUID id, int revision, TextKind kind, UUID taskId, String to, String content) {
        return claims.execute(status -> rows.startSending(id, revision, kind, taskId, to, content));
    }

    /**
     * Sends the text, retrying as every Quo call does; after a failure that may hide a sent text (a timeout, a dropped
     * connection, a 5xx) the next attempt first asks Quo whether it went out.
     */
    private QuoClient.Message send(String to, String content, Instant started, UUID appointment) {
        boolean[] mayHaveGoneOut = {false};
        return quo.retrying(() -> {
            if (mayHaveGoneOut[0]) {
                Optional<QuoClient.Message> sent = alreadySent(to, content, started, appointment);
                if (sent.isPresent()) {
                    return sent.get();
                }
            }
            try {
                return quo.sendText(properties.fromNumber(), to, content);
            } catch (QuoApiException e) {
                mayHaveGoneOut[0] |= e.status() >= 500;
                throw e;
            } catch (CallNotPermittedException | RateBudget.UsedUp notCalled) {
                throw notCalled;
            } catch (RuntimeException e) {
                mayHaveGoneOut[0] = true;
                throw e;
            }
        });
    }

    /** The text Quo sent to {@code to} with {@code content} since about {@code since}, not yet another revision's. */
    private Optional<QuoClient.Message> alreadySent(String to, String content, Instant since, UUID appointment) {
        Set<String> others = rows.quoMessageIds(appointment);
        return quo.texts(phoneNumberId(), to, since.minus(CLOCK_MARGIN)).stream()
                .filter(message -> "outgoing".equals(message.direction()))
                .filter(message -> content.equals(message.text()) && !others.contains(message.id()))
                .findFirst();
    }

    /** The sending number's id, which Quo's list of texts needs: the setting, or looked up once by the number. */
    private String phoneNumberId() {
        if (properties.fromIsPhoneNumberId()) {
            return properties.fromNumber();
        }
        String known = phoneNumberId;
        if (known == null) {
            known = quo.phoneNumberId(properties.fromNumber())
                    .orElseThrow(() -> TextFailures.fromNumberUnknown(failures, properties.fromNumber()));
            phoneNumberId = known;
        }
        return known;
    }
}
