package io.sluice.peer.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * W3C RTCStatsReport: stats objects by id, each a dictionary with {@code id}, {@code type}
 * (webrtc-stats names: {@code peer-connection}, {@code transport}, {@code candidate-pair},
 * {@code local-candidate}, {@code remote-candidate}, {@code certificate}, {@code data-channel}),
 * {@code timestamp} (ms since the epoch) and the members of that type.
 */
public final class RTCStatsReport {

    private final Map<String, Map<String, Object>> stats;

    private RTCStatsReport(Map<String, Map<String, Object>> stats) {
        this.stats = Collections.unmodifiableMap(stats);
    }

    public Map<String, Map<String, Object>> asMap() {
        return stats;
    }

    public Map<String, Object> get(String id) {
        return stats.get(id);
    }

    /** The stats objects of one type. */
    public java.util.List<Map<String, Object>> ofType(String type) {
        return stats.values().stream().filter(m -> type.equals(m.get("type"))).toList();
    }

    static final class Builder {
        private final Map<String, Map<String, Object>> stats = new LinkedHashMap<>();

        Map<String, Object> add(String id, String type, long timestamp) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", id);
            m.put("type", type);
            m.put("timestamp", timestamp);
            stats.put(id, m);
            return m;
        }

        RTCStatsReport build() {
            Map<String, Map<String, Object>> copy = new LinkedHashMap<>();
            stats.forEach((k, v) -> copy.put(k, Collections.unmodifiableMap(v)));
            return new RTCStatsReport(copy);
        }
    }
}
