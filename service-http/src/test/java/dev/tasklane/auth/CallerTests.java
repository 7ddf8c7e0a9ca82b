package dev.tasklane.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import dev.tasklane.testsupport.TestTokens;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

import static org.assertj.core.api.Assertions.assertThat;

class CallerTests {

    private static final UUID USER = UUID.randomUUID();

    private static Caller callerWith(Map<String, Object> claims) {
        Jwt.Builder builder = Jwt.withTokenValue("t")
                .header("alg", "HS256")
                .subject(USER.toString())
                .issuedAt(Instant.now())
                .expiresAt(Instant.now().plusSeconds(60));
        claims.forEach(builder::claim);
        return Caller.of(new RoleClaimConverter("app_metadata.role").convert(builder.build()));
    }

    private static Map<String, Object> allNames() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("user_metadata", new LinkedHashMap<>(Map.of("full_name", "Full Name", "name", "Metadata Name")));
        claims.put("name", "Top Name");
        claims.put("email", "someone@example.com");
        return claims;
    }

    @Test
    void theFullNameInUserMetadataComesFirst() {
        assertThat(callerWith(allNames()).name()).isEqualTo("Full Name");
    }

    @Test
    void thenTheNameInUserMetadata() {
        Map<String, Object> claims = allNames();
        claims.put("user_metadata", Map.of("full_name", "   ", "name", "Metadata Name"));

        assertThat(callerWith(claims).name()).isEqualTo("Metadata Name");
    }

    @Test
    void thenTheTopLevelName() {
        Map<String, Object> claims = allNames();
        claims.put("user_metadata", Map.of("avatar_url", "https://example.com/a.png"));

        assertThat(callerWith(claims).name()).isEqualTo("Top Name");
    }

    @Test
    void thenTheEmail() {
        Map<String, Object> claims = allNames();
        claims.remove("user_metadata");
        claims.put("name", "");

        assertThat(callerWith(claims).name()).isEqualTo("someone@example.com");
    }

    @Test
    void aClaimThatIsNotAStringIsSkipped() {
        Map<String, Object> claims = allNames();
        claims.put("user_metadata", Map.of("full_name", Map.of("first", "Ada"), "name", 42));

        assertThat(callerWith(claims).name()).isEqualTo("Top Name");
    }

    @Test
    void aTokenWithoutANameOrEmailHasNoName() {
        Caller caller =
                callerWith(Map.of("app_metadata", Map.of("role", "admin"), "email", " ", "phone", "+12125550123"));

        assertThat(caller.name()).isNull();
        assertThat(caller.role()).isEqualTo(Role.ADMIN);
        assertThat(caller.userId()).isEqualTo(USER);
    }

    @Test
    void theNameIsTrimmedAndCutTo200Characters() {
        assertThat(callerWith(Map.of("name", "  Ada Admin \n")).name()).isEqualTo("Ada Admin");
        assertThat(callerWith(Map.of("name", "x".repeat(500))).name()).hasSize(Caller.MAX_NAME_LENGTH);
        // a character outside the basic plane counts once and is never cut in half
        String name = callerWith(Map.of("name", "😀".repeat(300))).name();
        assertThat(name.codePointCount(0, name.length())).isEqualTo(Caller.MAX_NAME_LENGTH);
        assertThat(name).isEqualTo("😀".repeat(Caller.MAX_NAME_LENGTH));
    }

    @Test
    void aSupabaseTokenIsNamedByItsUserMetadata() {
        assertThat(Caller.nameFrom(TestTokens.claims(USER, "user", Duration.ofHours(1))))
                .isEqualTo("John Doe");
    }

    @Test
    void theTwoArgumentCallerHasNoName() {
        assertThat(new Caller(USER, Role.USER).name()).isNull();
    }
}
