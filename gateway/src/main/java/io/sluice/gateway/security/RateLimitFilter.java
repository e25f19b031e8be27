package io.sluice.gateway.security;

import io.sluice.gateway.config.SluiceProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A token bucket per caller (API key owner, or client address when keys are off) over the
 * {@code /v1} API: {@code sluice.limits.requests-per-second} sustained, {@code request-burst} at
 * once; beyond it 429 with {@code Retry-After}. Runs after the API key check.
 */
@Component
@Order(Ordered.LOWEST_PRECEDENCE - 10)
public class RateLimitFilter extends OncePerRequestFilter {

    /** Buckets kept at most; idle ones are dropped first. */
    static final int MAX_BUCKETS = 100_000;

    private final double rate;
    private final double burst;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    public RateLimitFilter(SluiceProperties properties) {
        this.rate = properties.limits().requestsPerSecond();
        this.burst = properties.limits().requestBurst();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return rate <= 0 || !request.getRequestURI().startsWith("/v1/") || "OPTIONS".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Object owner = request.getAttribute(ApiKeyFilter.OWNER);
        String key = owner != null ? "owner:" + owner : "addr:" + request.getRemoteAddr();
        long now = System.nanoTime();
        if (buckets.size() > MAX_BUCKETS) {
            buckets.entrySet().removeIf(e -> now - e.getValue().at > 60_000_000_000L);
        }
        Bucket b = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        double wait;
        synchronized (b) {
            b.tokens = Math.min(burst, b.tokens + (now - b.at) / 1e9 * rate);
            b.at = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                wait = 0;
            } else {
                wait = (1 - b.tokens) / rate;
            }
        }
        if (wait > 0) {
            response.setStatus(429);
            response.setHeader("Retry-After", Long.toString((long) Math.ceil(wait)));
            response.setContentType("application/problem+json");
            response.getOutputStream().write(("{\"type\":\"urn:sluice:error:LimitExceeded\",\"title\":\"Limit exceeded\","
                    + "\"status\":429,\"detail\":\"more than " + (long) rate + " requests per second\"}")
                    .getBytes(StandardCharsets.UTF_8));
            return;
        }
        chain.doFilter(request, response);
    }
}
