package dev.tasklane.auth;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * The signed-in person behind a request: their user id (the token's {@code sub}), their role and what they are called.
 *
 * @param name the caller's display name from the token's claims (see {@link #nameFrom(Map)}); {@code null} when the
 *             token carries none
 */
public record Caller(UUID userId, Role role, String name) {

    /** The longest name kept: a claim is the user's own text, and the name travels on every task they ask for. */
    public static final int MAX_NAME_LENGTH = 200;

    /** Where a display name is looked for, first match wins: Supabase keeps a sign-up's name in {@code user_metadata}. */
    private static final List<List<String>> NAME_CLAIMS = List.of(
            List.of("user_metadata", "full_name"), List.of("user_metadata", "name"), List.of("name"), List.of("email"));

    /** A caller whose name is not known. */
    public Caller(UUID userId, Role role) {
        this(userId, role, null);
    }

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
        return new Caller(
                UUID.fromString(token.getToken().getSubject()),
                role,
                nameFrom(token.getToken().getClaims()));
    }

    /**
     * The display name in {@code claims}: the first non-blank string of {@code user_metadata.full_name},
     * {@code user_metadata.name}, {@code name} and {@code email}, trimmed and cut to {@value #MAX_NAME_LENGTH}
     * characters; {@code null} when there is none.
     */
    public static String nameFrom(Map<String, Object> claims) {
        for (List<String> path : NAME_CLAIMS) {
            Object value = claims;
            for (String key : path) {
                value = value instanceof Map<?, ?> map ? map.get(key) : null;
            }
            if (value instanceof String text && !text.isBlank()) {
                String name = text.strip();
                return name.codePointCount(0, name.length()) <= MAX_NAME_LENGTH
                        ? name
                        : name.substring(0, name.offsetByCodePoints(0, MAX_NAME_LENGTH))
                                .strip();
            }
        }
        return null;
    }

    public boolean seesEveryone() {
        return role.seesEveryone();
    }

    /**
     * The claims the database's row-level security reads from {@code request.jwt.claims}: the user id and the
     * resolved role in {@code app_metadata.role}, whatever claim the role came from in the token.
     */
    public Map<String, Object> databaseClaims() {
        return Map.of("sub", userId.toString(), "role", "authenticated", "app_metadata", Map.of("role", role.value()));
    }
}
