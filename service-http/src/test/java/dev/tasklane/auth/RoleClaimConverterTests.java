package dev.tasklane.auth;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

class RoleClaimConverterTests {

    private static final UUID USER = UUID.randomUUID();

    private static Jwt jwt(Map<String, Object> claims) {
        Jwt.Builder builder = Jwt.withTokenValue("t")
                .header("alg", "HS256")
                .subject(USER.toString())
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(60));
        claims.forEach(builder::claim);
        return builder.build();
    }

    @ParameterizedTest
    @CsvSource({"user, USER", "supervisor, SUPERVISOR", "admin, ADMIN", "Admin, ADMIN", "root, USER", "'', USER"})
    void readsTheRoleFromAppMetadataByDefault(String claim, Role expected) {
        Caller caller = Caller.of(new RoleClaimConverter("app_metadata.role")
                .convert(jwt(Map.of("app_metadata", Map.of("role", claim)))));

        assertThat(caller.role()).isEqualTo(expected);
        assertThat(caller.userId()).isEqualTo(USER);
    }

    @Test
    void aTokenWithoutARoleIsAPlainUser() {
        assertThat(Caller.of(new RoleClaimConverter("app_metadata.role")
                                .convert(jwt(Map.of("app_metadata", Map.of("provider", "email")))))
                        .role())
                .isEqualTo(Role.USER);
    }

    @Test
    void theClaimPathIsConfigurable() {
        RoleClaimConverter converter = new RoleClaimConverter("user_role");

        assertThat(Caller.of(converter.convert(
                                jwt(Map.of("user_role", "supervisor", "app_metadata", Map.of("role", "user")))))
                        .role())
                .isEqualTo(Role.SUPERVISOR);
    }

    @Test
    void theDatabaseSeesTheResolvedRoleWhateverClaimItCameFrom() {
        Caller caller = Caller.of(new RoleClaimConverter("custom.claims.role")
                .convert(jwt(Map.of("custom", Map.of("claims", Map.of("role", "admin"))))));

        assertThat(caller.databaseClaims())
                .containsEntry("sub", USER.toString())
                .containsEntry("app_metadata", Map.of("role", "admin"));
    }
}
