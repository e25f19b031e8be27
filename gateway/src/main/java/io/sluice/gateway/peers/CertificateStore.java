package io.sluice.gateway.peers;

import io.sluice.peer.api.RTCCertificate;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Certificates made with generateCertificate, by unguessable id, visible to the owner that made
 * them, so peers can be created with one (W3C RTCConfiguration.certificates). Bounded.
 */
@Component
public class CertificateStore {

    /** Certificates held at once; generating beyond it answers 429. */
    public static final int MAX = 10_000;

    private record Entry(String owner, RTCCertificate certificate) {
    }

    private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    public String put(String owner, RTCCertificate certificate) {
        long now = System.currentTimeMillis();
        byId.values().removeIf(e -> e.certificate().expires() < now);
        if (byId.size() >= MAX) {
            throw new LimitExceededException("this gateway holds " + MAX + " certificates, its limit", 429);
        }
        byte[] b = new byte[16];
        random.nextBytes(b);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        byId.put(id, new Entry(owner, certificate));
        return id;
    }

    /** The certificate with this id if {@code owner} made it, else null. */
    public RTCCertificate get(String id, String owner) {
        Entry e = id == null ? null : byId.get(id);
        return e != null && Objects.equals(e.owner(), owner) ? e.certificate() : null;
    }
}
