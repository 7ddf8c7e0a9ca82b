package dev.tasklane.cli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * HS256 tokens shaped like Supabase's for a signed-in user ({@code aud} and {@code role} {@code authenticated}, the
 * application role in {@code app_metadata.role}), which is what the services check, and the person's name in
 * {@code user_metadata.full_name}, which the gateway records on every task they ask for.
 */
public final class Tokens {

    /** The roles the services know. */
    public static final List<String> ROLES = List.of("user", "supervisor", "admin");

    /** The demo people the local stack prints tokens for: the same ids on every start, so their tasks stay theirs. */
    public static final Map<String, UUID> DEMO_USERS = Map.of(
            "user", UUID.fromString("00000000-0000-4000-8000-000000000001"),
            "supervisor", UUID.fromString("00000000-0000-4000-8000-000000000002"),
            "admin", UUID.fromString("00000000-0000-4000-8000-000000000003"));

    /** What the demo people are called, by role: the dashboard names whoever asked for a task. */
    public static final Map<String, String> DEMO_NAMES = Map.of(
            "user", "Uma User",
            "supervisor", "Sam Supervisor",
            "admin", "Ada Admin");

    private Tokens() {}

    /** A token for {@code user} named as the demo person of {@code role}. */
    public static String mint(UUID user, String role, Duration lifetime, String secret) {
        return mint(user, role, DEMO_NAMES.get(role), lifetime, secret);
    }

    /**
     * A token for {@code user} called {@code name} ({@code user_metadata.full_name}); a {@code null} or blank name
     * leaves it out, and the services then name the caller by the token's email.
     */
    public static String mint(UUID user, String role, String name, Duration lifetime, String secret) {
        if (!ROLES.contains(role)) {
            throw new CliException("--role must be one of " + String.join(", ", ROLES) + ", was '" + role + "'.");
        }
        byte[] key = secret.getBytes(StandardCharsets.UTF_8);
        if (key.length < 32) {
            throw new CliException("The token secret is shorter than 32 bytes, too short for HS256: use the services' "
                    + "TASKLANE_JWT_SECRET.");
        }
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(user.toString())
                .audience("authenticated")
                .issuer("tasklane-local")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .claim("role", "authenticated")
                .claim("email", role + "@tasklane.local")
                .claim("app_metadata", Map.of("provider", "email", "providers", List.of("email"), "role", role))
                .claim("user_metadata", name == null || name.isBlank() ? Map.of() : Map.of("full_name", name.strip()))
                .claim("aal", "aal1")
                .build();
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims);
            jwt.sign(new MACSigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new CliException("Could not sign the token: " + e.getMessage(), e);
        }
    }
}
