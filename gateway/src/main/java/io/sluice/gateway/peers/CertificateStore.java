package io.sluice.gateway.peers;

import io.sluice.peer.api.RTCCertificate;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Certificates made with generateCertificate, by unguessable id, visible to the owner that made
 * them, so peers can be created with one (W3C RTCConfiguration.certificates). Kept until they
 * expire or their owner deletes them; bounded for the gateway and per owner
 * ({@code sluice.quotas.certificates}).
 */
@Component
public class CertificateStore {

    /** Certificates held at once; generating beyond it answers 429. */
    public static final int MAX = 10_000;

    private record Entry(String owner, RTCCertificate certificate) {
    }

    private final ConcurrentHashMap<String, Entry> byId = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final OwnerQuotas quotas;

    public CertificateStore(OwnerQuotas quotas) {
        this.quotas = quotas;
    }

    /**
     * Keeps {@code certificate} for {@code owner}; its id.
     *
     * @throws LimitExceededException (429) when the gateway or the owner holds its limit already
     */
    public synchronized String put(String owner, RTCCertificate certificate) {
        long now = System.currentTimeMillis();
        for (var it = byId.entrySet().iterator(); it.hasNext();) {
            Entry e = it.next().getValue();
            if (e.certificate().expires() < now) {
                it.remove();
                quotas.give(OwnerQuotas.Quota.CERTIFICATES, e.owner());
            }
        }
        if (byId.size() >= MAX) {
            throw new LimitExceededException("this gateway holds " + MAX + " certificates, its limit", 429);
        }
        quotas.take(OwnerQuotas.Quota.CERTIFICATES, owner);
        byte[] b = new byte[16];
        random.nextBytes(b);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        byId.put(id, new Entry(owner, certificate));
        return id;
    }

    /** Forgets the certificate with this id if {@code owner} made it; whether it did. */
    public synchronized boolean delete(String id, String owner) {
        Entry e = id == null ? null : byId.get(id);
        if (e == null || !Objects.equals(e.owner(), owner)) {
            return false;
        }
        byId.remove(id);
        quotas.give(OwnerQuotas.Quota.CERTIFICATES, owner);
        return true;
    }

    /** The certificate with this id if {@code owner} made it, else null. */
    public RTCCertificate get(String id, String owner) {
        Entry e = id == null ? null : byId.get(id);
        return e != null && Objects.equals(e.owner(), owner) ? e.certificate() : null;
    }
}
