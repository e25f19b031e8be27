package io.sluice.gateway.bridge;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.sluice.peer.api.error.NotSupportedError;
import io.sluice.peer.api.error.SyntaxError;
import io.sluice.peer.api.error.TypeError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/** The bridges this gateway has, by name, and the parsing of bridge declarations. */
@Component
public class Bridges {

    /** Declarations per peer at most. */
    public static final int MAX_BINDINGS = 32;
    /**
     * Longest channels pattern. Patterns are RE2 ({@link Pattern}): matching takes time linear in
     * the label and the pattern (no backtracking, so {@code (a+)+$} is as cheap as {@code a+}), and
     * labels are at most 65535 bytes, so a match on the event loop is bounded by both.
     */
    public static final int MAX_PATTERN_CHARS = 512;

    private final Map<String, Bridge> byName = new TreeMap<>();

    public Bridges(List<Bridge> bridges) {
        for (Bridge b : bridges) {
            byName.put(b.name(), b);
        }
    }

    /**
     * A declaration as the API takes it: a label pattern (an RE2 regular expression: no
     * backreferences or lookaround; absent: every
     * channel, or none when the declaration carries events), a target bridge, its options
     * ({@code url} and {@code batch} for {@code http}, {@code topic} for {@code kafka}), and whether the peer's
     * events go to the target too.
     */
    public record Declaration(String channels, String target, String url, String topic, Boolean events,
            Integer batch) {

        public Declaration(String channels, String target) {
            this(channels, target, null, null, null, null);
        }

        public Declaration(String channels, String target, String url) {
            this(channels, target, url, null, null, null);
        }
    }

    /** {@link #resolve(List, String)} for the caller of the current request. */
    public List<BridgeBinding> resolve(List<Declaration> declarations) {
        return resolve(declarations, io.sluice.gateway.security.Caller.currentOwner());
    }

    /** Checks the declarations {@code owner} (null without keys) makes, then prepares their targets. */
    public List<BridgeBinding> resolve(List<Declaration> declarations, String owner) {
        if (declarations == null || declarations.isEmpty()) {
            return List.of();
        }
        if (declarations.size() > MAX_BINDINGS) {
            throw new TypeError("at most " + MAX_BINDINGS + " bridge declarations per peer");
        }
        List<BridgeBinding> out = new ArrayList<>();
        for (Declaration d : declarations) {
            if (d == null || d.target() == null) {
                throw new TypeError("a bridge declaration needs a target");
            }
            Bridge b = byName.get(d.target());
            if (b == null) {
                throw new NotSupportedError("no bridge named '" + d.target() + "'; this gateway has " + byName.keySet());
            }
            boolean events = Boolean.TRUE.equals(d.events());
            if (events && !b.carriesEvents()) {
                throw new NotSupportedError("the " + d.target() + " bridge does not carry peer events");
            }
            if (d.channels() != null && d.channels().length() > MAX_PATTERN_CHARS) {
                throw new TypeError("bridge channels pattern longer than " + MAX_PATTERN_CHARS + " characters");
            }
            Pattern p;
            try {
                p = d.channels() == null ? (events ? null : Pattern.compile("(?s).*")) : Pattern.compile(d.channels());
            } catch (PatternSyntaxException e) {
                throw new SyntaxError("bridge channels pattern does not compile (RE2 syntax: no backreferences or "
                        + "lookaround): " + e.getDescription());
            }
            Map<String, String> options = new TreeMap<>();
            if (d.url() != null) {
                options.put("url", d.url());
            }
            if (d.topic() != null) {
                options.put("topic", d.topic());
            }
            if (d.batch() != null) {
                options.put("batch", d.batch().toString());
            }
            b.validate(options, owner);
            out.add(new BridgeBinding(p, b, Map.copyOf(options), events));
        }
        for (BridgeBinding b : out) {
            b.bridge().prepare(b.options(), owner);
        }
        return out;
    }

    /**
     * Declarations made for one channel as it is created: they apply to that channel whatever its
     * label ({@code channels} must be absent) and cannot carry events (those are the peer's).
     */
    public List<BridgeBinding> resolveForChannel(List<Declaration> declarations) {
        return resolveForChannel(declarations, io.sluice.gateway.security.Caller.currentOwner());
    }

    /** {@link #resolveForChannel(List)} for a channel of a peer of {@code owner}. */
    public List<BridgeBinding> resolveForChannel(List<Declaration> declarations, String owner) {
        if (declarations == null || declarations.isEmpty()) {
            return List.of();
        }
        List<Declaration> all = new ArrayList<>();
        for (Declaration d : declarations) {
            if (d != null && (d.channels() != null || Boolean.TRUE.equals(d.events()))) {
                throw new TypeError("a channel's own bridge declaration has no channels pattern and no events "
                        + "(declare those on the peer)");
            }
            all.add(d == null ? null : new Declaration("(?s).*", d.target(), d.url(), d.topic(), null, d.batch()));
        }
        return resolve(all, owner);
    }

    public java.util.Set<String> names() {
        return byName.keySet();
    }
}
