package dev.tasklane.auth;

import java.util.Map;
import java.util.UUID;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The signed-in person behind a request: their user id (the token's {@code sub}) and their role.
 */
public record Caller(UUID userId, Role role) {

    /** The caller of an authenticated request. */
    public static Caller of(Authentication authentication) {
        if (!(authentication instanceof JwtAuthenticationToken token)) {
            throw new IllegalStateException("Expected a JWT-authenticated request, got " + authentication);
        }
        Role role = token.getAuthorities().stream()
                .map(authority -> authority.getAuthority())
                .filter(authority -> authority.startsWith("ROLE_"))
                .map(authority -> Role.valueOf(authority.substring("ROLE_".length())))
                .max(Enum::compareTo)
                .orElse(Role.USER);
        return new Caller(UUID.fromString(token.getToken().getSubject()), role);
    }

    public boolean seesEveryone() {
        return role.seesEveryone();
    }

    /**
     * The claims the database's row-level security reads from {@code request.jwt.claims}: the user id and the
     * resolved role in {@code app_metadata.role}, whatever claim the role came from in the token.
     */
    public Map<String, Object> databaseClaims() {
        return Map.of("sub", userId.toString(), "role", "authenticated",
                "app_metadata", Map.of("role", role.value()));
    }
}
