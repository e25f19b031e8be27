package io.sluice.gateway.bridge;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code sluice.bridges.http.*}: the HTTP callback bridge. The secret signs every callback; it is
 * never printed ({@link #toString()}).
 *
 * @param secret the gateway's signing secret: each owner's callbacks are signed with a key derived
 *     from it and the owner's name ({@link CallbackSigner}); empty: callbacks are refused
 * @param allowedHosts {@code host} or {@code host:port} entries callbacks may go to even when they
 *     resolve to refused (loopback, private, ...) addresses ({@link CallbackTargets}; no SSRF)
 * @param maxAttempts tries per message before it goes to the dead letter (an event)
 * @param initialBackoff first retry delay, doubled each try with jitter, up to {@code maxBackoff}
 * @param timeout per try, for the whole exchange: connecting, the request, the answer's headers and body
 * @param queue messages held per channel before its reading is paused (backpressure)
 * @param maxReplyBytes the largest callback response body read (its body goes back on the channel);
 *     a larger one fails the delivery like an error status
 * @param eventQueue peer events held for an events callback before it is given up (events cannot
 *     be held back at their source)
 */
@ConfigurationProperties("sluice.bridges.http")
public record HttpBridgeProperties(@DefaultValue("") String secret, @DefaultValue List<String> allowedHosts,
        @DefaultValue("5") int maxAttempts, @DefaultValue("200ms") Duration initialBackoff,
        @DefaultValue("5s") Duration maxBackoff, @DefaultValue("10s") Duration timeout,
        @DefaultValue("64") int queue, @DefaultValue("1000") int eventQueue,
        @DefaultValue("256KB") org.springframework.util.unit.DataSize maxReplyBytes) {

    @Override
    public String toString() {
        return "HttpBridgeProperties[secret=" + (secret.isEmpty() ? "(none)" : "(set)") + ", allowedHosts="
                + allowedHosts + ", maxAttempts=" + maxAttempts + "]";
    }
}
