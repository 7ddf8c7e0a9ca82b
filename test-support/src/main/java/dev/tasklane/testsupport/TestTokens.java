package dev.tasklane.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import tools.jackson.databind.json.JsonMapper;

/**
 * Real signed JWTs shaped like Supabase's, for tests: signed with {@link #SECRET} (HS256) unless a test asks for a
 * broken one. The claims start from Supabase's documented "authenticated user" example.
 */
public final class TestTokens {

    /** The HS256 secret test services are configured with ({@code tasklane.security.jwt.secret}). */
    public static final String SECRET = "tasklane-test-secret-that-is-long-enough-for-hs256";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private TestTokens() {}

    public static String user(UUID userId) {
        return token(userId, "user", Duration.ofHours(1), SECRET);
    }

    public static String supervisor(UUID userId) {
        return token(userId, "supervisor", Duration.ofHours(1), SECRET);
    }

    public static String admin(UUID userId) {
        return token(userId, "admin", Duration.ofHours(1), SECRET);
    }

    /** A token that expired {@code ago}. */
    public static String expired(UUID userId, Duration ago) {
        return token(userId, "user", ago.negated(), SECRET);
    }

    /** A well-formed token signed with a different secret. */
    public static String signedWithAnotherSecret(UUID userId) {
        return token(userId, "admin", Duration.ofHours(1), "another-secret-that-is-also-long-enough-for-hs256");
    }

    /** An unsigned token ({@code "alg": "none"}) claiming to be an admin. */
    public static String unsigned(UUID userId) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String header = base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = base64.encodeToString(JSON.writeValueAsBytes(claims(userId, "admin", Duration.ofHours(1))));
        return header + "." + payload + ".";
    }

    /** A token with the given role that expires after {@code lifetime} (a negative lifetime is already expired). */
    public static String token(UUID userId, String role, Duration lifetime, String secret) {
        return sign(claims(userId, role, lifetime), secret);
    }

    /** Supabase's example claims for a signed-in user, with this user, role and expiry. */
    public static Map<String, Object> claims(UUID userId, String role, Duration lifetime) {
        Map<String, Object> claims = supabaseExample();
        Instant expiry = Instant.now().plus(lifetime);
        Instant issued = lifetime.isNegative() ? expiry.minus(Duration.ofHours(1)) : Instant.now();
        claims.put("sub", userId.toString());
        claims.put("iat", issued.getEpochSecond());
        claims.put("exp", expiry.getEpochSecond());
        @SuppressWarnings("unchecked")
        Map<String, Object> appMetadata = new LinkedHashMap<>((Map<String, Object>) claims.get("app_metadata"));
        if (role != null) {
            appMetadata.put("role", role);
        }
        claims.put("app_metadata", appMetadata);
        return claims;
    }

    /** Signs any claims with HS256. */
    public static String sign(Map<String, Object> claims, String secret) {
        try {
            JWSSigner signer = new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.HS256)
                            .type(JOSEObjectType.JWT)
                            .build(),
                    JWTClaimsSet.parse(claims));
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException | java.text.ParseException e) {
            throw new IllegalStateException("Could not sign a test token: " + e.getMessage(), e);
        }
    }

    /** The verbatim claims of Supabase's "authenticated user token" example (fixtures/supabase). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> supabaseExample() {
        try (InputStream in =
                TestTokens.class.getResourceAsStream("/fixtures/supabase/jwt-authenticated-user-example.json")) {
            return new LinkedHashMap<>(JSON.readValue(in, Map.class));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
