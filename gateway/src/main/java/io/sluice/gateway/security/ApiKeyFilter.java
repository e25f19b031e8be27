package io.sluice.gateway.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * When API keys are configured, every {@code /v1} call (and every actuator endpoint but health)
 * needs one, as {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}; the key's owner
 * is stored on the request ({@link #OWNER}) and peers are visible only to the owner that made them.
 * CORS preflights pass (they carry no credentials).
 */
@Component
@org.springframework.core.annotation.Order(org.springframework.core.Ordered.LOWEST_PRECEDENCE - 20)
public class ApiKeyFilter extends OncePerRequestFilter {

    /** Request attribute holding the caller's owner name. */
    public static final String OWNER = "sluice.owner";

    private final Map<String, String> keys;

    public ApiKeyFilter(SecurityProperties properties) {
        this.keys = properties.apiKeys();
    }

    public boolean enabled() {
        return !keys.isEmpty();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        if (keys.isEmpty() || "OPTIONS".equals(request.getMethod())) {
            return true;
        }
        if (path.startsWith("/actuator/health")) {
            return true;
        }
        return !(path.startsWith("/v1/") || path.equals("/v1") || path.startsWith("/actuator"));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = request.getHeader("X-API-Key");
        String auth = request.getHeader("Authorization");
        if (presented == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            presented = auth.substring(7).trim();
        }
        String owner = presented == null ? null : ownerOf(presented);
        if (owner == null) {
            response.setStatus(401);
            response.setHeader("WWW-Authenticate", "Bearer");
            response.setContentType("application/problem+json");
            String detail = presented == null ? "an API key is required (Authorization: Bearer or X-API-Key)"
                    : "the API key is not valid";
            response.getOutputStream().write(("{\"type\":\"urn:sluice:error:Unauthorized\",\"title\":\"Unauthorized\","
                    + "\"status\":401,\"detail\":\"" + detail + "\"}").getBytes(StandardCharsets.UTF_8));
            return;
        }
        request.setAttribute(OWNER, owner);
        chain.doFilter(request, response);
    }

    /** The owner of a key, compared in constant time; null when no key matches. */
    String ownerOf(String presented) {
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        String found = null;
        for (Map.Entry<String, String> e : keys.entrySet()) {
            if (MessageDigest.isEqual(p, e.getValue().getBytes(StandardCharsets.UTF_8))) {
                found = e.getKey();
            }
        }
        return found;
    }
}
