package io.sluice.gateway.peers;

import io.sluice.gateway.config.QuotaProperties;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Counts what each owner holds against its quota ({@link QuotaProperties}): a {@link #take} for
 * every peer, certificate or record stream made, a {@link #give} when it goes. Callers without
 * an owner (no keys configured) are not counted.
 */
@Component
public class OwnerQuotas {

    /** The quotas, with their property names. */
    public enum Quota {
        PEERS("sluice.quotas.peers", "peers"),
        CERTIFICATES("sluice.quotas.certificates", "certificates"),
        RECORD_STREAMS("sluice.quotas.record-streams", "Kafka record streams open");

        private final String property;
        private final String what;

        Quota(String property, String what) {
            this.property = property;
            this.what = what;
        }

        public String property() {
            return property;
        }
    }

    private record Key(Quota quota, String owner) {
    }

    private final QuotaProperties properties;
    private final Map<Key, Integer> held = new ConcurrentHashMap<>();

    public OwnerQuotas(QuotaProperties properties) {
        this.properties = properties;
    }

    public int limit(Quota quota) {
        return switch (quota) {
            case PEERS -> properties.peers();
            case CERTIFICATES -> properties.certificates();
            case RECORD_STREAMS -> properties.recordStreams();
        };
    }

    /**
     * Counts one more for {@code owner}.
     *
     * @throws LimitExceededException (429, naming the quota) when the owner holds its quota already
     */
    public void take(Quota quota, String owner) {
        if (owner == null) {
            return;
        }
        int limit = limit(quota);
        boolean[] over = new boolean[1];
        held.compute(new Key(quota, owner), (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= limit) {
                over[0] = true;
                return n;
            }
            return now + 1;
        });
        if (over[0]) {
            throw new LimitExceededException("owner " + owner + " holds " + limit + " " + quota.what
                    + ", its quota (" + quota.property + ")", 429, quota.property);
        }
    }

    /** Counts one less for {@code owner}. */
    public void give(Quota quota, String owner) {
        if (owner != null) {
            held.computeIfPresent(new Key(quota, owner), (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** What {@code owner} holds now. */
    public int held(Quota quota, String owner) {
        return held.getOrDefault(new Key(quota, owner), 0);
    }
}
