package dev.tasklane.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tasklane.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VerifiedTokensTests {

    private static final UUID USER = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    private final JwtDecoder real = TasklaneJwtDecoders.create(new TasklaneJwtProperties(
            TestTokens.SECRET, null, "authenticated", null, "app_metadata.role", List.of("/task-events")));
    private final AtomicInteger checked = new AtomicInteger();
    private final JwtDecoder counting = token -> {
        checked.incrementAndGet();
        return real.decode(token);
    };

    @Test
    void aTokenThatPassedIsCheckedOnceUntilItExpires() {
        Instant now = Instant.now();
        MovableClock clock = new MovableClock(now);
        VerifiedTokens tokens = new VerifiedTokens(counting, clock);
        String token = TestTokens.sign(TestTokens.claims(USER, null, Duration.ofMinutes(5)), TestTokens.SECRET);

        Jwt first = tokens.decode(token);
        Jwt second = tokens.decode(token);

        assertThat(second).isSameAs(first);
        assertThat(checked).hasValue(1);

        clock.now = first.getExpiresAt();
        tokens.decode(token);
        assertThat(checked)
                .as("from exp on, the remembered token is not given back but checked again")
                .hasValue(2);
    }

    @Test
    void aLongLivedTokenIsCheckedAgainAfterFiveMinutes() {
        Instant now = Instant.now();
        MovableClock clock = new MovableClock(now);
        VerifiedTokens tokens = new VerifiedTokens(counting, clock);
        String token = TestTokens.sign(TestTokens.claims(USER, null, Duration.ofHours(1)), TestTokens.SECRET);

        tokens.decode(token);
        clock.now = now.plus(VerifiedTokens.MAX_AGE).minusSeconds(1);
        tokens.decode(token);
        assertThat(checked).hasValue(1);

        clock.now = now.plus(VerifiedTokens.MAX_AGE);
        tokens.decode(token);
        assertThat(checked).hasValue(2);
    }

    @Test
    void aRefusedTokenIsNeverRememberedAndRefusedEveryTime() {
        VerifiedTokens tokens = new VerifiedTokens(counting, Clock.systemUTC());
        String forged = TestTokens.signedWithAnotherSecret(USER);

        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(JwtException.class);
        assertThatThrownBy(() -> tokens.decode(forged)).isInstanceOf(JwtException.class);

        assertThat(checked).hasValue(2);
        assertThat(tokens.remembered()).isZero();
    }

    @Test
    void rememberingIsBounded() {
        VerifiedTokens tokens = new VerifiedTokens(counting, Clock.systemUTC());
        for (int i = 0; i <= VerifiedTokens.MAX_REMEMBERED; i++) {
            tokens.decode(TestTokens.sign(
                    TestTokens.claims(UUID.randomUUID(), null, Duration.ofMinutes(5)), TestTokens.SECRET));
        }
        assertThat(tokens.remembered()).isBetween(1, VerifiedTokens.MAX_REMEMBERED);
    }

    private static final class MovableClock extends Clock {

        Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
