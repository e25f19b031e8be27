package io.sluice.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.core.Authentication;

/**
 * The configured tenant and operator keys: turns a presented key into its {@link Caller},
 * comparing with every key in constant time. Refuses at startup what would make a key ambiguous:
 * an empty key, one key for two owners, one name both tenant and operator.
 */
public final class ApiKeys implements AuthenticationProvider {

    private record Entry(byte[] key, Caller caller) {
    }

    private final List<Entry> entries = new ArrayList<>();

    public ApiKeys(SecurityProperties properties) {
        Map<String, String> seen = new HashMap<>();
        add(properties.apiKeys(), false, seen);
        add(properties.operatorKeys(), true, seen);
    }

    private void add(Map<String, String> keys, boolean operator, Map<String, String> seen) {
        String kind = operator ? "sluice.security.operator-keys." : "sluice.security.api-keys.";
        keys.forEach((owner, key) -> {
            if (key == null || key.isBlank()) {
                throw new UnsafeSecurityException(kind + owner + " is empty.",
                        "Give the owner a key (e.g. from openssl rand -hex 32) or remove the entry.");
            }
            for (Entry e : entries) {
                if (e.caller.owner().equals(owner)) {
                    throw new UnsafeSecurityException("'" + owner + "' is both a tenant and an operator.",
                            "Give the operator a name of its own.");
                }
            }
            String other = seen.put(key.strip(), kind + owner);
            if (other != null) {
                throw new UnsafeSecurityException(kind + owner + " has the same key as " + other + ".",
                        "Give each owner a key of its own.");
            }
            entries.add(new Entry(key.strip().getBytes(StandardCharsets.UTF_8), new Caller(owner, operator)));
        });
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public long tenants() {
        return entries.stream().filter(e -> !e.caller.operator()).count();
    }

    public long operators() {
        return entries.stream().filter(e -> e.caller.operator()).count();
    }

    /** The caller whose key this is, compared against every key in constant time; null when none. */
    Caller callerOf(String presented) {
        byte[] p = presented.getBytes(StandardCharsets.UTF_8);
        Caller found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(p, e.key)) {
                found = e.caller;
            }
        }
        return found;
    }

    @Override
    public Authentication authenticate(Authentication authentication) {
        Caller caller = callerOf((String) authentication.getCredentials());
        if (caller == null) {
            throw new BadCredentialsException("the API key is not valid");
        }
        return caller.authentication();
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return Presented.class.isAssignableFrom(authentication);
    }

    /** A key as a request presented it, not yet checked. */
    static final class Presented extends AbstractAuthenticationToken {

        private static final long serialVersionUID = 1L;

        private final String key;

        Presented(String key) {
            super(List.of());
            this.key = key;
        }

        @Override
        public Object getCredentials() {
            return key;
        }

        @Override
        public Object getPrincipal() {
            return null;
        }
    }
}
