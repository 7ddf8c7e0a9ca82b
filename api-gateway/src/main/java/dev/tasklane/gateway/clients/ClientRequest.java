package dev.tasklane.gateway.clients;

/**
 * The body of {@code /add-client} and {@code /update-client}, as sent: every field a string, checked by
 * {@link ClientService} so that each problem is reported by field name. In {@code /update-client} a missing field
 * stays as it is.
 */
record ClientRequest(
        String clientId, String name, String phone, String email, String address, String notes, Boolean active) {}
