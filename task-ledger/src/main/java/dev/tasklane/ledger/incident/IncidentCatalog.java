package dev.tasklane.ledger.incident;

import java.util.Map;

/**
 * What an incident is called and what to do about it, in the words of the people who meet it: office staff, not
 * engineers. Keyed by the failure's source and code (Tasklane's own classification, never a stack trace); a cause not
 * listed gets a title built from the service and the code.
 */
public final class IncidentCatalog {

    /** A cause in business words: a title and what to do. */
    public record Words(String title, String advice) {}

    private static final String RETRY_LATER = "Press Retry all in a few minutes. If it keeps failing, an administrator "
            + "should open one of the tasks: its message says what the service answered.";

    private static final Words QUO_KEY_REFUSED = new Words(
            "Quo refused Tasklane's API key",
            "An administrator should create a new key in Quo (Settings → API), set QUO_API_KEY and restart "
                    + "quo-sync-worker, then press Retry all.");

    private static final Map<String, Words> BY_CAUSE = Map.ofEntries(
            Map.entry(
                    "google_maps/REQUEST_DENIED",
                    new Words(
                            "Google Maps refused Tasklane's API key",
                            "An administrator should check in Google Cloud console that the Distance Matrix API is enabled "
                                    + "for the key and that GOOGLE_MAPS_API_KEY holds that key, then press Retry all.")),
            Map.entry(
                    "google_maps/OVER_QUERY_LIMIT",
                    new Words(
                            "Google Maps says Tasklane asked too often",
                            "Press Retry all in a few minutes. If it keeps happening, an administrator should raise the "
                                    + "key's quota in Google Cloud console.")),
            Map.entry(
                    "google_maps/INVALID_REQUEST",
                    new Words(
                            "Google Maps could not read an address",
                            "Correct the address of each record listed and save it: that computes its drive times again.")),
            Map.entry(
                    "google_maps/MAX_ROUTE_LENGTH_EXCEEDED",
                    new Words(
                            "Google Maps found a route too long to compute",
                            "Check the addresses of the records listed: one of them is probably far away by mistake.")),
            Map.entry("google_maps/TIMEOUT", new Words("Google Maps did not answer in time", RETRY_LATER)),
            Map.entry(
                    "google_maps/NETWORK",
                    new Words(
                            "Tasklane could not reach Google Maps",
                            "Press Retry all in a few minutes. If it keeps failing, an administrator should check the "
                                    + "drive-time worker's internet connection.")),
            Map.entry("quo/UNAUTHORIZED", QUO_KEY_REFUSED),
            Map.entry("quo/HTTP_401", QUO_KEY_REFUSED),
            Map.entry(
                    "quo/FORBIDDEN",
                    new Words(
                            "Quo does not let Tasklane's key change contacts",
                            "An administrator should give the key permission to manage contacts in Quo, then press Retry all.")),
            Map.entry(
                    "quo/RATE_LIMITED",
                    new Words(
                            "Quo says Tasklane asked too often",
                            "Press Retry all in a few minutes. If it keeps happening, lower TASKLANE_QUO_QUOTA_PER_SECOND.")),
            Map.entry(
                    "quo/CUSTOM_FIELD_MISSING",
                    new Words(
                            "A contact field Tasklane fills is missing in Quo",
                            "An administrator should create the custom fields Tasklane names in Quo (or set their keys), "
                                    + "then press Retry all.")),
            Map.entry("quo/SERVER_ERROR", new Words("Quo is failing", RETRY_LATER)),
            Map.entry(
                    "quo/NETWORK",
                    new Words(
                            "Tasklane could not reach Quo",
                            "Press Retry all in a few minutes. If it keeps failing, an administrator should check the Quo "
                                    + "worker's internet connection and TASKLANE_QUO_BASE_URL.")),
            Map.entry(
                    "quo/LANDLINE",
                    new Words(
                            "Some clients' numbers are landlines, which cannot receive texts",
                            "Put a mobile number on each client listed and save it, then press Retry all; or call them "
                                    + "about their appointment instead and dismiss these.")),
            Map.entry(
                    "quo/OPTED_OUT",
                    new Words(
                            "Some clients have opted out of texts from you",
                            "Call the clients listed about their appointment instead, then dismiss these. Do not retry: "
                                    + "Quo will refuse again until the client texts you START.")),
            Map.entry(
                    "quo/INVALID_NUMBER",
                    new Words(
                            "Quo could not text some clients' numbers",
                            "Correct the phone number of each client listed and save it, then press Retry all.")),
            Map.entry(
                    "quo/NO_CREDITS",
                    new Words(
                            "Quo has no credit left to send texts",
                            "An administrator should add credit in Quo's billing settings, then press Retry all.")),
            Map.entry(
                    "quo/FROM_NUMBER_UNKNOWN",
                    new Words(
                            "Quo does not know the number texts are sent from",
                            "An administrator should set TASKLANE_QUO_FROM_NUMBER to a number of the Quo workspace and "
                                    + "restart quo-sync-worker, then press Retry all.")),
            Map.entry(
                    "worker/TEXT_NOT_CONFIGURED",
                    new Words(
                            "Appointment texts are not set up",
                            "An administrator should set TASKLANE_QUO_FROM_NUMBER (the Quo number texts are sent from) "
                                    + "and restart quo-sync-worker, then press Retry all.")),
            Map.entry(
                    "worker/NO_PHONE",
                    new Words(
                            "Clients without a phone number",
                            "Add a mobile number to each client listed and save it, then press Retry all.")),
            Map.entry(
                    "worker/NO_ADDRESS",
                    new Words(
                            "Records without an address",
                            "Add an address to each record listed and save it: that computes its drive times.")));

    private IncidentCatalog() {}

    /** The words for failures of {@code taskType} from {@code source} with {@code code}. */
    public static Words of(String taskType, String source, String code) {
        Words known = BY_CAUSE.get(source + "/" + code);
        if (known != null) {
            return known;
        }
        String service = TaskWords.service(source);
        if ("WAIT_DEADLINE".equals(code)) {
            return new Words(
                    service + " has not answered for a long time",
                    "Nothing to do for now: Tasklane keeps these tasks and runs them by itself as soon as " + service
                            + " answers again. If it stays down, an administrator should check " + service
                            + "'s status page and the API key's quota.");
        }
        return new Words(TaskWords.label(taskType) + " failed: " + service + " answered " + code, RETRY_LATER);
    }
}
