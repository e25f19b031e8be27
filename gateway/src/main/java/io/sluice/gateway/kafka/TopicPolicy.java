package io.sluice.gateway.kafka;

import io.sluice.peer.api.error.InvalidAccessError;
import io.sluice.peer.api.error.SyntaxError;
import java.util.List;

/**
 * Which topics a bridge declaration may name ({@code sluice.bridges.kafka.topics.allowed}): a valid
 * Kafka topic name (Kafka's own rule: 1-249 of {@code [a-zA-Z0-9._-]}, not {@code .} or {@code ..}),
 * never one of the gateway's own topics (events, dead letters, any instance's inbound topic) nor
 * Kafka's internal {@code __*} topics, and matching one of the operator's glob patterns, where
 * {@code {owner}} is the declaring key's owner taken literally. The messages topic is always allowed
 * (a declaration without a topic writes there anyway).
 * <p>
 * Patterns are matched by a greedy two-pointer walk: time at most pattern length × topic length
 * (≤ 512 × 249), whatever the input; there is no regular expression to backtrack.
 */
final class TopicPolicy {

    static final int MAX_NAME = 249;
    static final int MAX_PATTERN = 512;
    static final String OWNER = "{owner}";

    private final KafkaBridgeProperties.Topics topics;
    private final List<String> allowed;

    TopicPolicy(KafkaBridgeProperties.Topics topics) {
        this.topics = topics;
        this.allowed = List.copyOf(topics.allowed());
        for (String p : allowed) {
            String bare = p.replace(OWNER, "");
            if (p.isEmpty() || p.length() > MAX_PATTERN || !bare.chars().allMatch(c -> topicChar(c) || c == '*' || c == '?')) {
                throw new IllegalArgumentException("sluice.bridges.kafka.topics.allowed: '" + p + "' is not a topic "
                        + "pattern (1-" + MAX_PATTERN + " of A-Z a-z 0-9 . _ - * ? and {owner})");
            }
        }
    }

    /** Throws SyntaxError for a name Kafka refuses, InvalidAccessError for one this caller may not use. */
    void check(String topic, String owner) {
        if (topic.isEmpty() || topic.length() > MAX_NAME || !topic.chars().allMatch(TopicPolicy::topicChar)
                || topic.equals(".") || topic.equals("..")) {
            throw new SyntaxError("not a Kafka topic name (1-" + MAX_NAME
                    + " of A-Z a-z 0-9 . _ -, not '.' or '..'): " + printable(topic));
        }
        if (topic.equals(topics.messages())) {
            return;
        }
        if (topic.equals(topics.events()) || topic.equals(topics.deadLetter())) {
            throw new InvalidAccessError("topic " + topic + " is the gateway's own "
                    + (topic.equals(topics.events()) ? "events" : "dead-letter") + " topic; declarations cannot write there");
        }
        if (topic.startsWith(topics.inboundPrefix())) {
            throw new InvalidAccessError("topic " + topic + " is a gateway inbound topic (" + topics.inboundPrefix()
                    + "*); declarations cannot write there");
        }
        if (topic.startsWith("__")) {
            throw new InvalidAccessError("topic " + topic + " is one of Kafka's internal topics (__*)");
        }
        for (String p : allowed) {
            if (matches(p, owner, topic)) {
                return;
            }
        }
        throw new InvalidAccessError("topic " + topic + " is not allowed for "
                + (owner == null ? "a caller without an owner" : "owner " + owner)
                + "; sluice.bridges.kafka.topics.allowed is " + allowed);
    }

    static boolean topicChar(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_'
                || c == '-';
    }

    /** Whether {@code topic} matches the glob {@code pattern}, {@code {owner}} standing for {@code owner} literally. */
    static boolean matches(String pattern, String owner, String topic) {
        StringBuilder p = new StringBuilder();
        StringBuilder literal = new StringBuilder(); // 'l' where p holds a literal character of the owner
        int from = 0;
        for (int at; (at = pattern.indexOf(OWNER, from)) >= 0; from = at + OWNER.length()) {
            if (owner == null) {
                return false;
            }
            p.append(pattern, from, at);
            literal.append("g".repeat(at - from));
            p.append(owner);
            literal.append("l".repeat(owner.length()));
        }
        p.append(pattern, from, pattern.length());
        literal.append("g".repeat(pattern.length() - from));
        int i = 0;
        int j = 0;
        int star = -1;
        int mark = 0;
        while (j < topic.length()) {
            boolean wild = i < p.length() && literal.charAt(i) == 'g';
            if (wild && p.charAt(i) == '*') {
                star = i++;
                mark = j;
            } else if (i < p.length() && ((wild && p.charAt(i) == '?') || p.charAt(i) == topic.charAt(j))) {
                i++;
                j++;
            } else if (star >= 0) {
                i = star + 1;
                j = ++mark;
            } else {
                return false;
            }
        }
        while (i < p.length() && literal.charAt(i) == 'g' && p.charAt(i) == '*') {
            i++;
        }
        return i == p.length();
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder b = new StringBuilder("'");
        cut.codePoints().forEach(c -> {
            if (c >= 0x20 && c < 0x7f) {
                b.appendCodePoint(c);
            } else {
                b.append(String.format("\\u%04x", c));
            }
        });
        return b.append("' (").append(s.length()).append(" characters)").toString();
    }
}
