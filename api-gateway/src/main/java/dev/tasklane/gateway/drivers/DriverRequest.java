package dev.tasklane.gateway.drivers;

/** The body of {@code /add-driver} and {@code /update-driver}; in an update a missing field stays as it is. */
record DriverRequest(String driverId, String name, String phone, String homeAddress, Boolean active) {}
