package dev.tasklane.cli;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The tokens {@code ./tasklane up} prints and {@code ./tasklane token} mints name their person, so the demo does. */
class TokensTests {

    private static final String SECRET = "tasklane-tokens-tests-secret-long-enough-for-hs256";

    private static JWTClaimsSet claims(String token) throws Exception {
        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.verify(new MACVerifier(SECRET))).isTrue();
        return jwt.getJWTClaimsSet();
    }

    @Test
    void eachDemoPersonIsNamedInUserMetadata() throws Exception {
        for (String role : Tokens.ROLES) {
            JWTClaimsSet claims = claims(Tokens.mint(Tokens.DEMO_USERS.get(role), role, Duration.ofHours(1), SECRET));

            assertThat(claims.getJSONObjectClaim("user_metadata"))
                    .as(role)
                    .containsEntry("full_name", Tokens.DEMO_NAMES.get(role));
            assertThat(claims.getStringClaim("email")).isEqualTo(role + "@tasklane.local");
            assertThat(claims.getJSONObjectClaim("app_metadata")).containsEntry("role", role);
        }
        assertThat(Tokens.DEMO_NAMES)
                .containsEntry("user", "Uma User")
                .containsEntry("supervisor", "Sam Supervisor")
                .containsEntry("admin", "Ada Admin");
    }

    @Test
    void aGivenNameIsTheFullName() throws Exception {
        JWTClaimsSet claims =
                claims(Tokens.mint(UUID.randomUUID(), "user", "  Grace Hopper ", Duration.ofHours(1), SECRET));

        assertThat(claims.getJSONObjectClaim("user_metadata")).isEqualTo(Map.of("full_name", "Grace Hopper"));
    }

    @Test
    void aBlankNameLeavesOnlyTheEmail() throws Exception {
        JWTClaimsSet claims = claims(Tokens.mint(UUID.randomUUID(), "admin", " ", Duration.ofHours(1), SECRET));

        assertThat(claims.getJSONObjectClaim("user_metadata")).isEmpty();
        assertThat(claims.getStringClaim("email")).isEqualTo("admin@tasklane.local");
    }
}
