package dev.tasklane.simulators.distancematrix;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Plausible, deterministic routes between address texts: each address gets a stable point within about 40 km of a
 * city centre (from a hash of its text), the road distance is the straight line times 1.3, and the car averages
 * 48 km/h. The same two addresses always give the same answer.
 */
final class Routes {

    private static final double CENTRE_LAT = 39.78;
    private static final double CENTRE_LNG = -89.65;

    private Routes() {}

    static String formatted(String address) {
        return address.contains(",") ? address : address + ", USA";
    }

    static Map<String, Object> element(String origin, String destination) {
        String both = (origin + " " + destination).toLowerCase(Locale.ROOT);
        Map<String, Object> element = new LinkedHashMap<>();
        if (both.contains("[not found]")) {
            element.put("status", "NOT_FOUND");
            return element;
        }
        if (both.contains("[no route]")) {
            element.put("status", "ZERO_RESULTS");
            return element;
        }
        if (both.contains("[too far]")) {
            element.put("status", "MAX_ROUTE_LENGTH_EXCEEDED");
            return element;
        }
        double[] from = point(origin);
        double[] to = point(destination);
        long meters = Math.max(150, Math.round(haversine(from, to) * 1.3));
        long seconds = Math.max(60, Math.round(meters / (48_000.0 / 3600)));
        element.put("distance", Map.of("text", distanceText(meters), "value", meters));
        element.put("duration", Map.of("text", durationText(seconds), "value", seconds));
        element.put("status", "OK");
        return element;
    }

    private static double[] point(String address) {
        byte[] hash = sha256(address.strip().toLowerCase(Locale.ROOT));
        double latOffset = ((hash[0] & 0xff) << 8 | (hash[1] & 0xff)) / 65535.0 - 0.5;
        double lngOffset = ((hash[2] & 0xff) << 8 | (hash[3] & 0xff)) / 65535.0 - 0.5;
        return new double[] {CENTRE_LAT + latOffset * 0.7, CENTRE_LNG + lngOffset * 0.9};
    }

    private static double haversine(double[] a, double[] b) {
        double lat1 = Math.toRadians(a[0]);
        double lat2 = Math.toRadians(b[0]);
        double dLat = lat2 - lat1;
        double dLng = Math.toRadians(b[1] - a[1]);
        double h = Math.sin(dLat / 2) * Math.sin(dLat / 2)
                + Math.cos(lat1) * Math.cos(lat2) * Math.sin(dLng / 2) * Math.sin(dLng / 2);
        return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
    }

    static String distanceText(long meters) {
        return meters < 1000 ? meters + " m" : String.format(Locale.ROOT, "%.1f km", meters / 1000.0);
    }

    static String durationText(long seconds) {
        long minutes = Math.max(1, Math.round(seconds / 60.0));
        if (minutes < 60) {
            return minutes + (minutes == 1 ? " min" : " mins");
        }
        long hours = minutes / 60;
        long rest = minutes % 60;
        return hours
                + (hours == 1 ? " hour" : " hours")
                + (rest == 0 ? "" : " " + rest + (rest == 1 ? " min" : " mins"));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
