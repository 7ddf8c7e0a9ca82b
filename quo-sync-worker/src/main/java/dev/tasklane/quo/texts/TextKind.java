package dev.tasklane.quo.texts;

import java.util.Locale;

/** What a text tells the client: that the appointment stands as saved, or that it is cancelled. */
enum TextKind {
    CONFIRMATION,
    CANCELLATION;

    /** The value stored in {@code appointment_texts.kind} and shown in the task's result. */
    String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
