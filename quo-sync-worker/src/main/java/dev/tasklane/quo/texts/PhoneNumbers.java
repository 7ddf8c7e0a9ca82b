package dev.tasklane.quo.texts;

/** Phone numbers as a person reads them. */
final class PhoneNumbers {

    private PhoneNumbers() {}

    /** {@code +12175550100} as {@code +1 217 555 0100}; any other number as it is. */
    static String readable(String e164) {
        if (e164 != null && e164.matches("\\+1[0-9]{10}")) {
            return "+1 " + e164.substring(2, 5) + " " + e164.substring(5, 8) + " " + e164.substring(8);
        }
        return e164;
    }
}
