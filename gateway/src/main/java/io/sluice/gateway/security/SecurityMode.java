package io.sluice.gateway.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.core.env.Environment;

/**
 * How the gateway lets callers in: with API keys, open to anyone who reaches it (only when
 * {@code sluice.security.open=true} says so), or without keys because it listens on loopback
 * only. Any other combination refuses to start ({@link UnsafeSecurityException}).
 */
public enum SecurityMode {

    /** Every {@code /v1} call and the non-health actuator endpoints need a key. */
    KEYS("keys"),
    /** No keys, on an address other hosts may reach: {@code sluice.security.open=true}. */
    OPEN("open"),
    /** No keys, and every listening address is a loopback one. */
    LOOPBACK_ONLY("loopback-only");

    private final String label;

    SecurityMode(String label) {
        this.label = label;
    }

    /** The name health details and the startup log use. */
    public String label() {
        return label;
    }

    /**
     * The mode for these properties and listening addresses ({@code server.address}, and
     * {@code management.server.address} when the actuator has a port of its own); throws
     * {@link UnsafeSecurityException} when the gateway must not start.
     */
    public static SecurityMode of(SecurityProperties properties, Environment environment) {
        List<String> addresses = new ArrayList<>();
        addresses.add(environment.getProperty("server.address"));
        String managementPort = environment.getProperty("management.server.port");
        if (managementPort != null && !managementPort.isBlank() && !"-1".equals(managementPort.strip())
                && !managementPort.strip().equals(environment.getProperty("server.port"))) {
            addresses.add(environment.getProperty("management.server.address"));
        }
        return of(properties, addresses);
    }

    static SecurityMode of(SecurityProperties properties, List<String> listening) {
        if (properties.keysConfigured()) {
            if (properties.open()) {
                throw new UnsafeSecurityException("sluice.security.open=true and API keys are both configured",
                        "Remove sluice.security.open to require the keys, or remove the keys to run open.");
            }
            return KEYS;
        }
        if (properties.open()) {
            return OPEN;
        }
        for (String address : listening) {
            if (!loopback(address)) {
                throw new UnsafeSecurityException("No API keys are configured and the gateway listens on "
                        + (address == null || address.isBlank() ? "every address (server.address is not set)"
                                : address)
                        + ": anyone who reaches it would own every peer.",
                        "Configure keys (sluice.security.api-keys.<owner>=<key>, "
                                + "sluice.security.operator-keys.<name>=<key>), or listen on loopback only "
                                + "(server.address=127.0.0.1), or run open on purpose with sluice.security.open=true.");
            }
        }
        return LOOPBACK_ONLY;
    }

    private static boolean loopback(String address) {
        if (address == null || address.isBlank()) {
            return false;
        }
        try {
            for (InetAddress a : InetAddress.getAllByName(address.strip())) {
                if (!a.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
