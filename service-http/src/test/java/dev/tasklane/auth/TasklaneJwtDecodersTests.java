package dev.tasklane.auth;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import dev.tasklane.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TasklaneJwtDecodersTests {

    private static final UUID USER = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");

    private static TasklaneJwtProperties secret(String secret) {
        return new TasklaneJwtProperties(
                secret, null, "authenticated", null, "app_metadata.role", List.of("/task-events"));
    }

    private final JwtDecoder decoder = TasklaneJwtDecoders.create(secret(TestTokens.SECRET));

    @Test
    void acceptsATokenShapedLikeSupabasesAuthenticatedUserExample() {
        Jwt jwt = decoder.decode(
                TestTokens.sign(TestTokens.claims(USER, null, Duration.ofMinutes(5)), TestTokens.SECRET));

        assertThat(jwt.getSubject()).isEqualTo(USER.toString());
        assertThat(jwt.getAudience()).containsExactly("authenticated");
        assertThat(jwt.getClaimAsString("email")).isEqualTo("user@example.com");
    }

    @Test
    void rejectsAnExpiredToken() {
        assertThatThrownBy(() -> decoder.decode(TestTokens.expired(USER, Duration.ofMinutes(5))))
                .isInstanceOf(JwtException.class)
                .hasMessageContaining("expired");
    }

    @Test
    void rejectsATokenSignedWithAnotherSecret() {
        assertThatThrownBy(() -> decoder.decode(TestTokens.signedWithAnotherSecret(USER)))
                .isInstanceOf(JwtException.class);
    }

    @Test
    void rejectsAnUnsignedToken() {
        assertThatThrownBy(() -> decoder.decode(TestTokens.unsigned(USER))).isInstanceOf(JwtException.class);
    }

    @Test
    void rejectsATokenWithoutExpiry() {
        Map<String, Object> claims = TestTokens.claims(USER, "user", Duration.ofHours(1));
        claims.remove("exp");

        assertThatThrownBy(() -> decoder.decode(TestTokens.sign(claims, TestTokens.SECRET)))
                .isInstanceOf(JwtException.class)
                .hasMessageContaining("no expiry");
    }

    @Test
    void rejectsATokenForAnotherAudience() {
        Map<String, Object> claims = TestTokens.claims(USER, "user", Duration.ofHours(1));
        claims.put("aud", "anon");

        assertThatThrownBy(() -> decoder.decode(TestTokens.sign(claims, TestTokens.SECRET)))
                .isInstanceOf(JwtException.class)
                .hasMessageContaining("aud");
    }

    @Test
    void rejectsATokenWhoseSubjectIsNotAUserId() {
        Map<String, Object> claims = TestTokens.claims(USER, "user", Duration.ofHours(1));
        claims.put("sub", "service-account");

        assertThatThrownBy(() -> decoder.decode(TestTokens.sign(claims, TestTokens.SECRET)))
                .isInstanceOf(JwtException.class)
                .hasMessageContaining("not a user id");
    }

    @Test
    void checksTheIssuerWhenOneIsConfigured() {
        JwtDecoder strict = TasklaneJwtDecoders.create(new TasklaneJwtProperties(
                TestTokens.SECRET,
                null,
                "authenticated",
                "https://other.supabase.co/auth/v1",
                "app_metadata.role",
                List.of()));

        assertThatThrownBy(() -> strict.decode(TestTokens.user(USER))).isInstanceOf(JwtException.class);
    }

    @Test
    void needsExactlyOneOfSecretAndJwksUri() {
        assertThatThrownBy(() -> TasklaneJwtDecoders.create(secret(null)))
                .hasMessageContaining("neither is set")
                .hasMessageContaining("TASKLANE_JWT_SECRET");
        assertThatThrownBy(() -> TasklaneJwtDecoders.create(new TasklaneJwtProperties(
                        TestTokens.SECRET,
                        "http://localhost/jwks",
                        "authenticated",
                        null,
                        "app_metadata.role",
                        List.of())))
                .hasMessageContaining("both are set");
    }

    @Test
    void refusesASecretTooShortForHs256WithoutPrintingIt() {
        assertThatThrownBy(() -> TasklaneJwtDecoders.create(secret("short-secret")))
                .hasMessageContaining("12 bytes long")
                .hasMessageContaining("at least 32")
                .hasMessageNotContaining("short-secret");
    }

    @Test
    void verifiesEs256AndRs256TokensAgainstAPublishedKeySet() throws Exception {
        ECKey ecKey = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        RSAKey rsaKey = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] keys = new JWKSet(List.of(ecKey.toPublicJWK(), rsaKey.toPublicJWK()))
                .toString()
                .getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/auth/v1/.well-known/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, keys.length);
            exchange.getResponseBody().write(keys);
            exchange.close();
        });
        jwks.start();
        try {
            JwtDecoder fromJwks = TasklaneJwtDecoders.create(new TasklaneJwtProperties(
                    null,
                    "http://127.0.0.1:" + jwks.getAddress().getPort() + "/auth/v1/.well-known/jwks.json",
                    "authenticated",
                    null,
                    "app_metadata.role",
                    List.of()));
            JWTClaimsSet claims = JWTClaimsSet.parse(TestTokens.claims(USER, "supervisor", Duration.ofHours(1)));

            SignedJWT es256 = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(), claims);
            es256.sign(new ECDSASigner(ecKey));
            SignedJWT rs256 = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1").build(), claims);
            rs256.sign(new RSASSASigner(rsaKey));

            assertThat(fromJwks.decode(es256.serialize()).getSubject()).isEqualTo(USER.toString());
            assertThat(fromJwks.decode(rs256.serialize()).getSubject()).isEqualTo(USER.toString());
            assertThatThrownBy(() -> fromJwks.decode(TestTokens.user(USER))).isInstanceOf(JwtException.class);
        } finally {
            jwks.stop(0);
        }
    }
}
