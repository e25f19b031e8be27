package io.sluice.gateway.bridge;

import java.util.regex.Pattern;

/** One declaration: channels whose label matches {@code channels} (a regular expression) go to {@code bridge}. */
public record BridgeBinding(Pattern channels, Bridge bridge, java.util.Map<String, String> options) {

    public boolean matches(String label) {
        return channels.matcher(label == null ? "" : label).matches();
    }
}
