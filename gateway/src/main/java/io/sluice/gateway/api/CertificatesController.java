package io.sluice.gateway.api;

import io.sluice.gateway.peers.CertificateStore;
import io.sluice.peer.api.RTCCertificate;
import io.sluice.peer.api.RTCPeerConnection;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * W3C generateCertificate: makes a DTLS certificate (ECDSA P-256 by default, or RSASSA-PKCS1-v1_5
 * 2048) that peers can then be created with ({@code configuration.certificates: [id]}); its owner
 * deletes it when done (peers made with it keep it).
 */
@RestController
@RequestMapping("/v1/certificates")
public class CertificatesController {

    private final CertificateStore store;

    public CertificatesController(CertificateStore store) {
        this.store = store;
    }

    /** W3C AlgorithmIdentifier of generateCertificate, with the optional expires (ms). */
    public record Keygen(String name, String namedCurve, Integer modulusLength, Long publicExponent, String hash,
            Long expires) {
    }

    /** An RTCCertificate: its id here, expires and fingerprints (the private key never leaves). */
    public record Certificate(String id, long expires, List<RTCCertificate.RTCDtlsFingerprint> fingerprints) {
    }

    @PostMapping
    public CompletableFuture<ResponseEntity<Certificate>> generateCertificate(@RequestBody(required = false) Keygen k) {
        RTCCertificate.KeygenAlgorithm algorithm = k == null || k.name() == null
                ? RTCCertificate.KeygenAlgorithm.ecdsaP256()
                : new RTCCertificate.KeygenAlgorithm(k.name(), k.namedCurve(), k.modulusLength(), k.publicExponent(),
                        k.hash(), k.expires());
        if (k != null && k.name() == null && k.expires() != null) {
            algorithm = algorithm.withExpires(k.expires());
        }
        String owner = Owner.current();
        return RTCPeerConnection.generateCertificate(algorithm).thenApply(c -> {
            String id = store.put(owner, c);
            return ResponseEntity.created(URI.create("/v1/certificates/" + id))
                    .body(new Certificate(id, c.expires(), c.getFingerprints()));
        });
    }

    @DeleteMapping("/{id}")
    public ResponseEntity<?> deleteCertificate(@PathVariable String id) {
        if (store.delete(id, Owner.current())) {
            return ResponseEntity.noContent().build();
        }
        ProblemDetail pd = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, "no certificate " + id);
        pd.setTitle("Certificate not found");
        pd.setType(URI.create("urn:sluice:error:CertificateNotFound"));
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(pd);
    }
}
