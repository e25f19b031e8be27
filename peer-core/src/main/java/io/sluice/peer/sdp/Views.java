package io.sluice.peer.sdp;

import java.util.ArrayList;
import java.util.List;

/** Attribute lookups behind the typed accessors. Package-private. */
final class Views {

    private Views() {
    }

    /** Parses one attribute value; throws on malformed input. */
    @FunctionalInterface
    interface ValueParser<T> {
        T parse(String value) throws SdpParseException;
    }

    static boolean has(List<Attribute> attributes, String name) {
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Value of the first attribute named {@code name}; null when absent or a flag. */
    static String firstValue(List<Attribute> attributes, String name) {
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                return a.value();
            }
        }
        return null;
    }

    static List<String> values(List<Attribute> attributes, String name) {
        List<String> out = new ArrayList<>();
        for (Attribute a : attributes) {
            if (a.name().equals(name) && a.value() != null) {
                out.add(a.value());
            }
        }
        return out;
    }

    /**
     * All attributes named {@code name}, parsed. Parsed descriptions have already been validated,
     * so a failure here means a hand-built attribute was malformed: a programming error.
     */
    static <T> List<T> list(List<Attribute> attributes, String name, ValueParser<T> parser) {
        List<T> out = new ArrayList<>();
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                out.add(strict(a, parser));
            }
        }
        return List.copyOf(out);
    }

    /** Like {@link #list}, but skips malformed values: for attributes WebRTC can do without. */
    static <T> List<T> lenientList(List<Attribute> attributes, String name, ValueParser<T> parser) {
        List<T> out = new ArrayList<>();
        for (Attribute a : attributes) {
            if (a.name().equals(name) && a.value() != null) {
                try {
                    out.add(parser.parse(a.value()));
                } catch (SdpParseException | RuntimeException e) {
                    // optional attribute: a malformed one is ignored
                }
            }
        }
        return List.copyOf(out);
    }

    /** The first attribute named {@code name}, parsed, or null when absent. */
    static <T> T first(List<Attribute> attributes, String name, ValueParser<T> parser) {
        for (Attribute a : attributes) {
            if (a.name().equals(name)) {
                return strict(a, parser);
            }
        }
        return null;
    }

    private static <T> T strict(Attribute a, ValueParser<T> parser) {
        if (a.value() == null) {
            throw new IllegalStateException("malformed " + a + ": value missing");
        }
        try {
            return parser.parse(a.value());
        } catch (SdpParseException e) {
            throw new IllegalStateException("malformed " + a + ": " + e.reason(), e);
        }
    }
}
