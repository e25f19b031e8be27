package io.sluice.gateway.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.authentication.AuthenticationManager;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContext;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.context.SecurityContextRepository;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads the API key a request presents, as {@code Authorization: Bearer <key>} or
 * {@code X-API-Key: <key>}, and makes its {@link Caller} the request's authentication. A request
 * without a key goes on unauthenticated (the authorization rules decide); a wrong key is answered
 * 401 at once. When the gateway runs without keys every request is the open caller.
 */
final class ApiKeyAuthenticationFilter extends OncePerRequestFilter {

    private final SecurityMode mode;
    private final AuthenticationManager keys;
    private final SecurityContextRepository repository = new RequestAttributeSecurityContextRepository();

    ApiKeyAuthenticationFilter(SecurityMode mode, AuthenticationManager keys) {
        this.mode = mode;
        this.keys = keys;
    }

    /** The key a request presents; null when it presents none. */
    static String presented(HttpServletRequest request) {
        String key = request.getHeader("X-API-Key");
        String auth = request.getHeader("Authorization");
        if (key == null && auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            key = auth.substring(7);
        }
        return key == null ? null : key.strip();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        SecurityContext context = SecurityContextHolder.createEmptyContext();
        if (mode != SecurityMode.KEYS) {
            context.setAuthentication(Caller.OPEN.authentication());
        } else {
            String key = presented(request);
            if (key != null) {
                try {
                    context.setAuthentication(keys.authenticate(new ApiKeys.Presented(key)));
                } catch (AuthenticationException e) {
                    ProblemResponses.unauthorized(request, response, e.getMessage());
                    return;
                }
            }
        }
        if (context.getAuthentication() != null) {
            SecurityContextHolder.setContext(context);
            repository.saveContext(context, request, response);
        }
        chain.doFilter(request, response);
    }
}
