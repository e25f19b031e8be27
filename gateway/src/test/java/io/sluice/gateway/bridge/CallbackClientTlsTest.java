package io.sluice.gateway.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIMatcher;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * https callbacks connect to the checked literal address and still speak to the URL's host: SNI
 * and the certificate's name check use the host name, and the Host header is the URL's. The
 * target is an https server on loopback with a certificate for {@code tls.test}; the names resolve
 * only through the test's resolver, so a request arrives only at the address that resolver gave.
 */
@Timeout(60)
class CallbackClientTlsTest {

    @TempDir
    static Path dir;

    static HttpsServer server;
    static SSLContext trusting;
    static final List<String> sni = new CopyOnWriteArrayList<>();
    static final List<String> hosts = new CopyOnWriteArrayList<>();
    static final AtomicInteger lookups = new AtomicInteger();
    static final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();

    @BeforeAll
    static void start() throws Exception {
        Path ks = dir.resolve("tls.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "tls", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=tls.test",
                "-ext", "SAN=dns:tls.test", "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(keytool.exitValue()).as(out).isZero();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = serverTls.getDefaultSSLParameters();
                p.setSNIMatchers(List.of(new SNIMatcher(StandardConstants.SNI_HOST_NAME) {
                    @Override
                    public boolean matches(SNIServerName name) {
                        sni.add(((SNIHostName) name).getAsciiName());
                        return true;
                    }
                }));
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            hosts.add(ex.getRequestHeaders().getFirst("Host"));
            byte[] reply = "ok".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, reply.length);
            ex.getResponseBody().write(reply);
            ex.close();
        });
        server.start();
    }

    @AfterAll
    static void stop() {
        server.stop(0);
        timers.shutdownNow();
    }

    private static CallbackClient client() {
        int port = server.getAddress().getPort();
        CallbackTargets targets = new CallbackTargets(List.of("tls.test:" + port, "other.test:" + port), host -> {
            lookups.incrementAndGet();
            if (host.equals("tls.test") || host.equals("other.test")) {
                return new InetAddress[] {InetAddress.getByName("127.0.0.1")};
            }
            throw new java.net.UnknownHostException(host);
        });
        return new CallbackClient(targets, Duration.ofSeconds(5), 1024, timers, trusting);
    }

    @Test
    void sniAndTheCertificateCheckUseTheUrlsHostWhileTheConnectionGoesToTheCheckedAddress() throws Exception {
        int port = server.getAddress().getPort();
        try (CallbackClient c = client()) {
            int before = lookups.get();
            LimitedBody.Reply r = c.post(URI.create("https://tls.test:" + port + "/hook"),
                    Map.of("Content-Type", "text/plain; charset=UTF-8"), "hi".getBytes(StandardCharsets.UTF_8))
                    .get(10, TimeUnit.SECONDS);
            assertThat(r.status()).isEqualTo(200);
            assertThat(new String(r.bytes(), StandardCharsets.UTF_8)).isEqualTo("ok");
            assertThat(sni).contains("tls.test");
            assertThat(hosts).containsExactly("tls.test:" + port);
            assertThat(lookups.get() - before).isEqualTo(1);
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefusedThoughTheAddressIsTheSame() {
        int port = server.getAddress().getPort();
        int served = hosts.size();
        try (CallbackClient c = client()) {
            assertThatThrownBy(() -> c.post(URI.create("https://other.test:" + port + "/hook"),
                    Map.of("Content-Type", "text/plain; charset=UTF-8"), new byte[0]).get(10, TimeUnit.SECONDS))
                    .hasRootCauseInstanceOf(javax.net.ssl.SSLException.class)
                    .rootCause().hasMessageContaining("other.test");
            assertThat(hosts).hasSize(served);
        }
    }
}
