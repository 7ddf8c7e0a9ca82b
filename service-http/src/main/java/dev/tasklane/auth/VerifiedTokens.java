package dev.tasklane.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

/**
 * Remembers the tokens that passed every check until they expire, so a browser that sends the same token with every
 * request pays for its signature and claims once, not per request (parsing and checking a token was an eighth of the
 * gateway's CPU per request). Only a token that passed is remembered; a refused one is checked again every time. A
 * remembered token is given back only while {@code exp} is still ahead (without the clock skew the first check
 * allows), and for at most {@link #MAX_AGE}: then it is checked in full again.
 */
final class VerifiedTokens implements JwtDecoder {

    static final int MAX_REMEMBERED = 10_000;
    /** With JWKS, a token signed by a key that was since withdrawn passes at most this much longer than before. */
    static final Duration MAX_AGE = Duration.ofMinutes(5);

    private final JwtDecoder checks;
    private final Clock clock;
    private final Map<String, Remembered> verified = new ConcurrentHashMap<>();

    /** A token that passed, and until when it may be given back without being checked again. */
    private record Remembered(Jwt jwt, Instant until) {}

    VerifiedTokens(JwtDecoder checks, Clock clock) {
        this.checks = checks;
        this.clock = clock;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Instant now = clock.instant();
        Remembered known = verified.get(token);
        if (known != null) {
            if (now.isBefore(known.until())) {
                return known.jwt();
            }
            verified.remove(token);
        }
        Jwt jwt = checks.decode(token);
        if (jwt.getExpiresAt() != null && now.isBefore(jwt.getExpiresAt())) {
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
            Instant latest = now.plus(MAX_AGE);
            verified.put(token, new Remembered(jwt, jwt.getExpiresAt().isBefore(latest) ? jwt.getExpiresAt() : latest));
        }
        return jwt;
    }

    int remembered() {
        return verified.size();
    }
}
