package io.sluice.gateway.security;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sluice.security.*}: who may call the gateway, and from which browser pages.
 *
 * <ul>
 * <li>{@code api-keys.<owner>=<key>}: tenant keys. A tenant sees and changes only the peers and
 * certificates it made, and in {@code /actuator/peers} only its own peers.</li>
 * <li>{@code operator-keys.<name>=<key>}: operator keys. Besides what a tenant may do (as owner
 * {@code <name>}), an operator sees every tenant's peers in {@code /actuator/peers}, the other
 * actuator endpoints (metrics, Prometheus, info) and the health details.</li>
 * <li>{@code open=true}: run without keys on an address other hosts can reach. Without keys and
 * without it, the gateway starts only when it listens on loopback.</li>
 * </ul>
 *
 * Keys are secrets: {@link #toString()} never prints them.
 *
 * @param apiKeys tenant owner name → key
 * @param operatorKeys operator name → key
 * @param open serve without keys on a non-loopback address, in so many words
 * @param allowedOrigins origins whose pages may call the API from a browser (CORS); empty: none
 */
@ConfigurationProperties("sluice.security")
public record SecurityProperties(@DefaultValue Map<String, String> apiKeys,
        @DefaultValue Map<String, String> operatorKeys, @DefaultValue("false") boolean open,
        @DefaultValue List<String> allowedOrigins) {

    public SecurityProperties {
        apiKeys = Map.copyOf(apiKeys);
        operatorKeys = Map.copyOf(operatorKeys);
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** Whether any key, tenant or operator, is configured. */
    public boolean keysConfigured() {
        return !apiKeys.isEmpty() || !operatorKeys.isEmpty();
    }

    @Override
    public String toString() {
        return "SecurityProperties[apiKeys=" + apiKeys.keySet() + ", operatorKeys=" + operatorKeys.keySet()
                + " (keys hidden), open=" + open + ", allowedOrigins=" + allowedOrigins + "]";
    }
}
