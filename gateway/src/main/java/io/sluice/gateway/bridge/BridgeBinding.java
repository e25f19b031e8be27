package io.sluice.gateway.bridge;

import com.google.re2j.Pattern;

/**
 * One declaration: channels whose label matches {@code channels} (an RE2 regular expression,
 * matched in time linear in the label: it cannot backtrack; null: no channel, for a declaration of
 * events only) go to {@code bridge}, and with {@code events} the peer's events too.
 */
public record BridgeBinding(Pattern channels, Bridge bridge, java.util.Map<String, String> options, boolean events) {

    public BridgeBinding(Pattern channels, Bridge bridge, java.util.Map<String, String> options) {
        this(channels, bridge, options, false);
    }

    public boolean matches(String label) {
        return channels != null && channels.matches(label == null ? "" : label);
    }
}
