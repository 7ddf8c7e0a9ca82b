package dev.tasklane.gateway.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import dev.tasklane.auth.Caller;
import dev.tasklane.gateway.outbox.Outbox;
import dev.tasklane.gateway.outbox.Write;
import dev.tasklane.gateway.system.GatewayProperties;
import dev.tasklane.http.ApiException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs a POST's write as one statement and, when the request carries an {@code Idempotency-Key}, remembers its
 * answer in that same statement: a retry with the same key (a double click, a flaky network) gets the first answer
 * back, marked {@code Idempotent-Replayed: true}, and nothing is done twice. A second request that arrives while the
 * first is still running waits for it (on the key's unique index) and then replays its answer. A failed request
 * leaves no key, so its retry runs normally. The same key with a different body is refused (422).
 *
 * <p>The key row is the statement's first query ({@code go}, see {@link Write}): {@code INSERT … ON CONFLICT DO
 * NOTHING RETURNING}, which waits for a concurrent request with the same key to end, and is empty when the key was
 * already used; the record and its tasks are written only from a non-empty {@code go}.
 */
@Component
public class IdempotentRequests {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED = "Idempotent-Replayed";

    /** Hashes requests (as it always has: a stored key's hash must not change with the answers' naming). */
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static final String KEY = "INSERT INTO idempotency_keys (user_id, idempotency_key, endpoint, request_hash, "
            + "response_status, response_body) VALUES (?::uuid, ?::text, ?::text, ?::text, 200, ?::jsonb) "
            + "ON CONFLICT DO NOTHING RETURNING 1";

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Outbox outbox;
    private final GatewayProperties properties;
    /** Writes and reads answers as the endpoints give them (snake_case, the application's JSON settings). */
    private final JsonMapper answers;

    IdempotentRequests(
            JdbcTemplate jdbc,
            TransactionTemplate transactions,
            Outbox outbox,
            GatewayProperties properties,
            JsonMapper answers) {
        this.jdbc = jdbc;
        this.answers = answers;
        this.transactions = transactions;
        this.outbox = outbox;
        this.properties = properties;
    }

    /**
     * Prepares the write with {@code work}, which must not write (it may read, in autocommit), then commits it as one
     * statement, once per key; answers 200 with the write's answer, an {@code answer}.
     *
     * @param request the parsed request, to tell a retry from a different request with the same key
     */
    public <A> ResponseEntity<A> run(
            Caller caller, String key, String endpoint, Object request, Class<A> answer, Supplier<Write> work) {
        return attempt(caller, key, endpoint, request, answer, work);
    }

    /**
     * As {@link #run}, for work that reads rows with {@code FOR UPDATE} to decide what to write: the reads and the write
     * share one transaction, whose {@code COMMIT} is sent with the write.
     */
    public <A> ResponseEntity<A> runLocked(
            Caller caller, String key, String endpoint, Object request, Class<A> answer, Supplier<Write> work) {
        return transactions.execute(status -> attempt(caller, key, endpoint, request, answer, work));
    }

    private <A> ResponseEntity<A> attempt(
            Caller caller, String key, String endpoint, Object request, Class<A> answer, Supplier<Write> work) {
        if (key == null) {
            Write write = work.get();
            outbox.commit(write);
            return ResponseEntity.ok(answer.cast(write.answer()));
        }
        if (key.isBlank() || key.length() > 255) {
            throw ApiException.badField(
                    HEADER, "must be 1 to 255 characters, for example a UUID made once per form submission");
        }
        String hash = hash(endpoint, request);
        Write write;
        try {
            write = work.get();
        } catch (ApiException refused) {
            // a key used before is answered from memory, even when this body would be refused
            if (stored(caller.userId(), key).isEmpty()) {
                throw refused;
            }
            return replay(caller.userId(), key, endpoint, hash, answer);
        }
        if (outbox.commit(
                write, KEY, caller.userId(), key, endpoint, hash, answers.writeValueAsString(write.answer()))) {
            return ResponseEntity.ok(answer.cast(write.answer()));
        }
        return replay(caller.userId(), key, endpoint, hash, answer);
    }

    private List<Map<String, Object>> stored(UUID user, String key) {
        return jdbc.queryForList(
                "SELECT endpoint, request_hash, response_status, response_body::text AS body "
                        + "FROM idempotency_keys WHERE user_id = ? AND idempotency_key = ?",
                user,
                key);
    }

    private <A> ResponseEntity<A> replay(UUID user, String key, String endpoint, String hash, Class<A> answer) {
        Map<String, Object> first = stored(user, key).get(0);
        if (!endpoint.equals(first.get("endpoint")) || !hash.equals(first.get("request_hash"))) {
            throw new ApiException(
                    HttpStatus.UNPROCESSABLE_CONTENT,
                    "idempotency_key_reused",
                    "This Idempotency-Key was already used for a different request (" + first.get("endpoint")
                            + "). Use a new key for each new submission.",
                    Map.of(HEADER, "was used for another request"));
        }
        return ResponseEntity.status((Integer) first.get("response_status"))
                .header(REPLAYED, "true")
                .body(answers.readValue((String) first.get("body"), answer));
    }

    private static String hash(String endpoint, Object request) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(endpoint.getBytes(StandardCharsets.UTF_8));
            sha.update(JSON.writeValueAsBytes(request));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Forgets answers older than {@code tasklane.gateway.idempotency-key-lifetime}. */
    @Scheduled(fixedDelayString = "PT1H", initialDelayString = "PT1M")
    void forgetOldKeys() {
        jdbc.update(
                "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => ?)",
                properties.idempotencyKeyLifetime().toSeconds());
    }
}
