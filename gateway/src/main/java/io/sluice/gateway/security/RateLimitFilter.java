package io.sluice.gateway.security;

import io.sluice.gateway.config.SluiceProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A token bucket per caller (the authenticated key's owner, or the client address when the
 * gateway runs without keys) over the requests {@code matcher} selects (the {@code /v1} API, matched
 * as the router matches it): {@code sluice.limits.requests-per-second} sustained,
 * {@code request-burst} at once; beyond it 429 with {@code Retry-After}. Runs in the security
 * filter chain after authorization, so only authorized requests count.
 */
final class RateLimitFilter extends OncePerRequestFilter {

    /** Buckets kept at most; idle ones are dropped first. */
    static final int MAX_BUCKETS = 100_000;

    private final double rate;
    private final double burst;
    private final RequestMatcher matcher;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    RateLimitFilter(SluiceProperties properties, RequestMatcher matcher) {
        this.matcher = matcher;
        this.rate = properties.limits().requestsPerSecond();
        this.burst = properties.limits().requestBurst();
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return rate <= 0 || "OPTIONS".equals(request.getMethod()) || !matcher.matches(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String owner = Caller.currentOwner();
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
            response.setHeader("Retry-After", Long.toString((long) Math.ceil(wait)));
            ProblemResponses.write(request, response, 429, "LimitExceeded", "Limit exceeded", "more than "
                    + (long) rate + " requests per second", Map.of("quota", "sluice.limits.requests-per-second"));
            return;
        }
        chain.doFilter(request, response);
    }
}
