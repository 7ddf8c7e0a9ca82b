package dev.tasklane.auth;

import java.util.List;
import java.util.Map;

import org.springframework.core.convert.converter.Converter;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;

/**
 * Turns a verified token into an authentication whose one authority is the caller's role, read from the configured
 * claim path ({@code app_metadata.role} by default; a missing or unknown value is {@code user}).
 */
public class RoleClaimConverter implements Converter<Jwt, AbstractAuthenticationToken> {

    private final String[] path;

    public RoleClaimConverter(String roleClaim) {
        this.path = roleClaim.split("\\.");
    }

    @Override
    public AbstractAuthenticationToken convert(Jwt jwt) {
        Role role = Role.fromClaim(valueAtPath(jwt.getClaims()));
        return new JwtAuthenticationToken(jwt, List.of(new SimpleGrantedAuthority(role.authority())), jwt.getSubject());
    }

    private Object valueAtPath(Map<String, Object> claims) {
        Object current = claims;
        for (String key : path) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }
}
