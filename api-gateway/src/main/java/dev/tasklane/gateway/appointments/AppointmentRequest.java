package dev.tasklane.gateway.appointments;

/**
 * The body of {@code /save-appointment}: without {@code appointment_id} a new appointment, with it a change to that one.
 */
record AppointmentRequest(
        String appointmentId,
        String clientId,
        String driverId,
        String scheduledAt,
        String pickupAddress,
        String dropoffAddress,
        String status,
        String notes) {}
