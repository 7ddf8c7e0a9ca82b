package dev.tasklane.events;

/** The kinds of business record a task is about ({@code entity_type}). */
public final class EntityTypes {

    public static final String CLIENT = "client";
    public static final String DRIVER = "driver";
    public static final String APPOINTMENT = "appointment";

    private EntityTypes() {}
}
