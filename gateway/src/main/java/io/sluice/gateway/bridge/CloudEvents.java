package io.sluice.gateway.bridge;

import io.sluice.gateway.peers.PeerEvent;
import java.net.InetAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Peer events as CloudEvents 1.0 in structured mode, as the bridges deliver them. */
public final class CloudEvents {

    /** The content type of a structured-mode event. */
    public static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

    private CloudEvents() {
    }

    /** The envelope of {@code e}; {@code instance} names the gateway in the source. */
    public static Map<String, Object> envelope(String instance, PeerEvent e) {
        Map<String, Object> ce = new LinkedHashMap<>();
        ce.put("specversion", "1.0");
        ce.put("id", e.peerId() + "-" + e.seq());
        ce.put("source", "/sluice/" + instance + "/peers/" + e.peerId());
        ce.put("type", "io.sluice.peer." + e.type());
        ce.put("subject", e.peerId());
        ce.put("time", Instant.ofEpochMilli(e.timestamp()).toString());
        ce.put("datacontenttype", "application/json");
        ce.put("sequence", e.seq());
        ce.put("data", e.data());
        return ce;
    }

    /**
     * The gateway's instance name: {@code configured}, else the host name (the pod's name on
     * Kubernetes), reduced to characters a Kafka topic name allows.
     */
    public static String instanceName(String configured) {
        String id = configured;
        if (id == null || id.isBlank()) {
            id = System.getenv("HOSTNAME");
        }
        if (id == null || id.isBlank()) {
            try {
                id = InetAddress.getLocalHost().getHostName();
            } catch (java.io.IOException e) {
                id = "gateway";
            }
        }
        String clean = id.replaceAll("[^A-Za-z0-9._-]", "-");
        return clean.length() > 120 ? clean.substring(0, 120) : clean;
    }
}
