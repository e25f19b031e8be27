package io.sluice.gateway.security;

import java.util.List;
import org.springframework.web.cors.CorsConfigurationSource;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * CORS for browser pages on other origins: the configured origins may call {@code /v1}, with
 * Location, ETag and Link exposed. Applied by the security filter chain before the key check, so
 * preflights (which carry no key) are answered and a 401 still carries the CORS headers a page
 * needs to read it.
 */
final class CorsPolicy {

    private CorsPolicy() {
    }

    static CorsConfigurationSource of(SecurityProperties properties) {
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        if (properties.allowedOrigins().isEmpty()) {
            return source;
        }
        org.springframework.web.cors.CorsConfiguration cors = new org.springframework.web.cors.CorsConfiguration();
        cors.setAllowedOrigins(properties.allowedOrigins());
        cors.setAllowedMethods(List.of("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"));
        cors.setAllowedHeaders(List.of("*"));
        cors.setExposedHeaders(List.of("Location", "ETag", "Link"));
        cors.setMaxAge(600L);
        source.registerCorsConfiguration("/v1/**", cors);
        return source;
    }
}
