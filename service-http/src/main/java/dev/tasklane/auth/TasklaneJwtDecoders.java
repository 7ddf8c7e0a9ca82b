package dev.tasklane.auth;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jose.jws.MacAlgorithm;
import org.springframework.security.oauth2.jose.jws.SignatureAlgorithm;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

/**
 * Builds the token decoder from {@link TasklaneJwtProperties}: signature (HS256 with the secret, or ES256/RS256 from
 * the JWKS), an {@code exp} that is present and in the future, the audience, the issuer when set, and a {@code sub}
 * that is a user id. Unsigned tokens ({@code alg: none}) never pass.
 */
public final class TasklaneJwtDecoders {

    private TasklaneJwtDecoders() {}

    public static JwtDecoder create(TasklaneJwtProperties properties) {
        boolean hasSecret = properties.secret() != null && !properties.secret().isBlank();
        boolean hasJwks = properties.jwksUri() != null && !properties.jwksUri().isBlank();
        if (hasSecret == hasJwks) {
            throw new IllegalStateException("Set exactly one of tasklane.security.jwt.secret (TASKLANE_JWT_SECRET, "
                    + "Supabase's legacy JWT secret) and tasklane.security.jwt.jwks-uri (TASKLANE_JWT_JWKS_URI, "
                    + "https://<project>.supabase.co/auth/v1/.well-known/jwks.json): "
                    + (hasSecret ? "both are set." : "neither is set."));
        }
        NimbusJwtDecoder decoder;
        if (hasSecret) {
            byte[] key = properties.secret().getBytes(StandardCharsets.UTF_8);
            if (key.length < TasklaneJwtProperties.MIN_SECRET_LENGTH) {
                throw new IllegalStateException("tasklane.security.jwt.secret is " + key.length + " bytes long; HS256 "
                        + "needs at least " + TasklaneJwtProperties.MIN_SECRET_LENGTH
                        + ". Use the project's JWT secret "
                        + "from Supabase (Settings → API) or generate one with: openssl rand -base64 48");
            }
            decoder = NimbusJwtDecoder.withSecretKey(new SecretKeySpec(key, "HmacSHA256"))
                    .macAlgorithm(MacAlgorithm.HS256)
                    .build();
        } else {
            decoder = NimbusJwtDecoder.withJwkSetUri(properties.jwksUri())
                    .jwsAlgorithm(SignatureAlgorithm.ES256)
                    .jwsAlgorithm(SignatureAlgorithm.RS256)
                    .build();
        }
        decoder.setJwtValidator(validator(properties));
        return decoder;
    }

    static OAuth2TokenValidator<Jwt> validator(TasklaneJwtProperties properties) {
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(new JwtTimestampValidator());
        validators.add(required("exp", "the token has no expiry (exp)"));
        validators.add(new JwtClaimValidator<List<String>>(
                "aud", audience -> audience != null && audience.contains(properties.audience())));
        validators.add(jwt -> isUuid(jwt.getSubject())
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(
                        new OAuth2Error("invalid_token", "the token's subject (sub) is not a user id", null)));
        if (properties.issuer() != null && !properties.issuer().isBlank()) {
            validators.add(new JwtIssuerValidator(properties.issuer()));
        }
        return new DelegatingOAuth2TokenValidator<>(validators);
    }

    private static OAuth2TokenValidator<Jwt> required(String claim, String description) {
        return jwt -> jwt.hasClaim(claim)
                ? OAuth2TokenValidatorResult.success()
                : OAuth2TokenValidatorResult.failure(new OAuth2Error("invalid_token", description, null));
    }

    private static boolean isUuid(String value) {
        if (value == null) {
            return false;
        }
        try {
            return Objects.equals(UUID.fromString(value).toString(), value.toLowerCase());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
