package io.sluice.gateway.bridge;

import java.util.regex.Pattern;

/**
 * One declaration: channels whose label matches {@code channels} (a regular expression) go to
 * {@code bridge}, and with {@code events} the peer's events too.
 */
public record BridgeBinding(Pattern channels, Bridge bridge, java.util.Map<String, String> options, boolean events) {

    public BridgeBinding(Pattern channels, Bridge bridge, java.util.Map<String, String> options) {
        this(channels, bridge, options, false);
    }

    public boolean matches(String label) {
        return channels.matcher(label == null ? "" : label).matches();
    }
}
