package io.sluice.gateway.security;

import java.security.Principal;
import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;

/**
 * Who is calling, as the security filter chain established it: the owner of the presented API
 * key (null when the gateway runs without keys) and whether that key is an operator's. Every entry
 * point (REST, the one-call form, the event stream, the WebSocket, the actuator) reads its caller
 * from here: from the request's security context, or from the principal a WebSocket session kept
 * from its upgrade request.
 *
 * @param owner the key's owner name; null without keys
 * @param operator whether the caller may see every tenant's peers and the operator endpoints
 */
public record Caller(String owner, boolean operator) {

    /** The role of operator keys (and of every caller when the gateway runs without keys). */
    public static final String OPERATOR = "OPERATOR";

    /** The role of tenant keys. */
    public static final String TENANT = "TENANT";

    /** Every caller of a gateway that runs without keys. */
    static final Caller OPEN = new Caller(null, true);

    /** The caller of the current request; null when none was authenticated. */
    public static Caller current() {
        return of(SecurityContextHolder.getContext().getAuthentication());
    }

    /** The caller behind {@code principal} (a request's or a WebSocket session's); null when none. */
    public static Caller of(Principal principal) {
        return principal instanceof Token t ? t.caller : null;
    }

    /** The owner of the current request's caller; null without keys or without a caller. */
    public static String currentOwner() {
        return ownerOf(SecurityContextHolder.getContext().getAuthentication());
    }

    /** The owner behind {@code principal}; null without keys or without a caller. */
    public static String ownerOf(Principal principal) {
        Caller c = of(principal);
        return c == null ? null : c.owner;
    }

    Authentication authentication() {
        return new Token(this);
    }

    /** The authenticated caller as Spring Security holds it; it carries no key. */
    static final class Token extends AbstractAuthenticationToken {

        private static final long serialVersionUID = 1L;

        private final transient Caller caller;

        Token(Caller caller) {
            super(List.of(new SimpleGrantedAuthority("ROLE_" + (caller.operator ? OPERATOR : TENANT))));
            this.caller = caller;
            setAuthenticated(true);
        }

        @Override
        public Object getCredentials() {
            return null;
        }

        @Override
        public Object getPrincipal() {
            return caller;
        }

        @Override
        public String getName() {
            return caller.owner == null ? "open" : caller.owner;
        }
    }
}
