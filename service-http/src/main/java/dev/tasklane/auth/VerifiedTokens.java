package dev.tasklane.auth;

import java.time.Clock;
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
 * remembered token is given back only while {@code exp} is still ahead, without the clock skew the first check allows.
 */
final class VerifiedTokens implements JwtDecoder {

    static final int MAX_REMEMBERED = 10_000;

    private final JwtDecoder checks;
    private final Clock clock;
    private final Map<String, Jwt> verified = new ConcurrentHashMap<>();

    VerifiedTokens(JwtDecoder checks, Clock clock) {
        this.checks = checks;
        this.clock = clock;
    }

    @Override
    public Jwt decode(String token) throws JwtException {
        Instant now = clock.instant();
        Jwt known = verified.get(token);
        if (known != null) {
            if (known.getExpiresAt() != null && now.isBefore(known.getExpiresAt())) {
                return known;
            }
            verified.remove(token);
        }
        Jwt jwt = checks.decode(token);
        if (jwt.getExpiresAt() != null && now.isBefore(jwt.getExpiresAt())) {
            if (verified.size() >= MAX_REMEMBERED) {
                verified.clear();
            }
            verified.put(token, jwt);
        }
        return jwt;
    }

    int remembered() {
        return verified.size();
    }
}
