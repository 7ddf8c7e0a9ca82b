package dev.tasklane.auth;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How tokens are checked, the same keys in every service ({@code tasklane.security.jwt.*}). Exactly one of
 * {@code secret} (Supabase's legacy JWT secret, HS256) and {@code jwks-uri} (Supabase's signing keys, ES256 or RS256,
 * at {@code https://<project>.supabase.co/auth/v1/.well-known/jwks.json}) must be set.
 *
 * @param secret      the HS256 secret, at least 32 characters
 * @param jwksUri     where the public signing keys are published
 * @param audience    the required {@code aud}; Supabase's signed-in users carry {@code authenticated}
 * @param issuer      the required {@code iss}, or empty to accept any issuer
 * @param roleClaim   the dotted path of the claim that holds the role ({@code user}, {@code supervisor}, {@code admin})
 * @param queryTokenPaths request paths that may carry the token as {@code ?access_token=} because browsers cannot set
 *                    headers on them (EventSource)
 */
@ConfigurationProperties("tasklane.security.jwt")
public record TasklaneJwtProperties(
        String secret,
        String jwksUri,
        @DefaultValue("authenticated") String audience,
        String issuer,
        @DefaultValue("app_metadata.role") String roleClaim,
        @DefaultValue("/task-events") List<String> queryTokenPaths) {

    /** The shortest HS256 key Nimbus accepts: 256 bits. */
    static final int MIN_SECRET_LENGTH = 32;
}
