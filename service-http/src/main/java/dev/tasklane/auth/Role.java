package dev.tasklane.auth;

import java.util.Locale;

/** What a caller may do: a user sees their own tasks, a supervisor or an admin sees everyone's. */
public enum Role {
    USER,
    SUPERVISOR,
    ADMIN;

    /** The Spring Security authority of this role, {@code ROLE_USER} and so on. */
    public String authority() {
        return "ROLE_" + name();
    }

    /** The value in tokens and in the database's {@code app_metadata.role}: {@code user}, {@code supervisor}, {@code admin}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean seesEveryone() {
        return this == SUPERVISOR || this == ADMIN;
    }

    /** The role a claim value names; anything unknown or missing is the least privileged role, {@link #USER}. */
    public static Role fromClaim(Object value) {
        if (value instanceof String text) {
            for (Role role : values()) {
                if (role.value().equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return role;
                }
            }
        }
        return USER;
    }
}
