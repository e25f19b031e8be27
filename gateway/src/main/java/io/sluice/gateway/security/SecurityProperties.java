package io.sluice.gateway.security;

import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sluice.security.*}: API keys and CORS.
 *
 * <p>{@code api-keys} maps an owner name to its key ({@code sluice.security.api-keys.backend-a=<key>}).
 * When the map is empty the API is open. Keys are secrets: {@link #toString()} never prints them.
 */
@ConfigurationProperties("sluice.security")
public final class SecurityProperties {

    private final Map<String, String> apiKeys;
    private final List<String> allowedOrigins;

    public SecurityProperties(@DefaultValue Map<String, String> apiKeys, @DefaultValue List<String> allowedOrigins) {
        this.apiKeys = Map.copyOf(apiKeys);
        this.allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** Owner name → key. */
    public Map<String, String> apiKeys() {
        return apiKeys;
    }

    /** Origins whose pages may call the API from a browser (CORS); empty: none. */
    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    @Override
    public String toString() {
        return "SecurityProperties[apiKeys=" + apiKeys.keySet() + " (keys hidden), allowedOrigins=" + allowedOrigins + "]";
    }
}
