package io.sluice.gateway.bridge;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.TlsConfig;
import org.apache.hc.client5.http.impl.async.CloseableHttpAsyncClient;
import org.apache.hc.client5.http.impl.async.HttpAsyncClients;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.nio.entity.BasicAsyncEntityProducer;
import org.apache.hc.core5.http.nio.support.AsyncRequestBuilder;
import org.apache.hc.core5.http2.HttpVersionPolicy;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.IOReactorConfig;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Posts callbacks. Every new connection resolves its host through {@link CallbackTargets} (checked
 * there) and connects to exactly the addresses it returned; the client resolves nothing itself.
 * The Host header and, for https, SNI and certificate hostname verification use the URL's host
 * name. Each exchange has one deadline for all of it (connecting, sending, the headers and the
 * whole body): at {@code timeout} it is cancelled, however slowly the target trickles its answer.
 * Redirects are not followed. Nothing here blocks its caller: the exchange starts on a small pool
 * of its own (a lookup may block there), never on a peer's event loop.
 */
final class CallbackClient implements AutoCloseable {

    private final CloseableHttpAsyncClient client;
    private final Duration timeout;
    private final long maxReplyBytes;
    private final ScheduledExecutorService timers;
    private final ThreadPoolExecutor starts;

    CallbackClient(CallbackTargets targets, Duration timeout, long maxReplyBytes, ScheduledExecutorService timers) {
        this(targets, timeout, maxReplyBytes, timers, null);
    }

    /** With {@code tls} (null: the default trust store) verifying https targets. */
    CallbackClient(CallbackTargets targets, Duration timeout, long maxReplyBytes, ScheduledExecutorService timers,
            javax.net.ssl.SSLContext tls) {
        this.timeout = timeout;
        this.maxReplyBytes = maxReplyBytes;
        this.timers = timers;
        Timeout t = Timeout.of(timeout);
        DnsResolver dns = new DnsResolver() {
            @Override
            public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
                return targets.resolve(host, port);
            }

            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                throw new UnknownHostException("callbacks resolve with their port (" + host + ")");
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
        client = HttpAsyncClients.custom()
                .setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                        .setDnsResolver(dns)
                        .setTlsStrategy((tls == null ? ClientTlsStrategyBuilder.create().useSystemProperties()
                                : ClientTlsStrategyBuilder.create().setSslContext(tls))
                                // the JSSE's endpoint identification and the client's own name check, both
                                .setHostVerificationPolicy(HostnameVerificationPolicy.BOTH).buildAsync())
                        .setMaxConnTotal(1024).setMaxConnPerRoute(64)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(t).setSocketTimeout(t)
                                // a kept-alive connection goes to an address checked at most a minute ago
                                .setTimeToLive(TimeValue.ofMinutes(1)).build())
                        .setDefaultTlsConfig(TlsConfig.custom().setHandshakeTimeout(t)
                                .setVersionPolicy(HttpVersionPolicy.FORCE_HTTP_1).build())
                        .build())
                .setIOReactorConfig(IOReactorConfig.custom().setIoThreadCount(2).setSoTimeout(t).build())
                .setThreadFactory(r -> {
                    Thread th = new Thread(r, "sluice-http-bridge-io");
                    th.setDaemon(true);
                    return th;
                })
                .disableRedirectHandling().disableAutomaticRetries().disableCookieManagement()
                .disableAuthCaching().disableConnectionState()
                .build();
        client.start();
        starts = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread th = new Thread(r, "sluice-http-bridge-start");
            th.setDaemon(true);
            return th;
        });
        starts.allowCoreThreadTimeOut(true);
    }

    /**
     * POSTs {@code body} with {@code headers} (one of them {@code Content-Type}, spelled as it goes
     * on the wire). Completes with the response whatever its status, or exceptionally: refused
     * target, network error, {@link TimeoutException} at the deadline.
     */
    CompletableFuture<LimitedBody.Reply> post(URI uri, Map<String, String> headers, byte[] body) {
        CompletableFuture<LimitedBody.Reply> result = new CompletableFuture<>();
        try {
            starts.execute(() -> start(uri, headers, body, result));
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            result.completeExceptionally(new IllegalStateException("the gateway is shutting down"));
        }
        return result;
    }

    private void start(URI uri, Map<String, String> headers, byte[] body, CompletableFuture<LimitedBody.Reply> result) {
        try {
            AsyncRequestBuilder b = AsyncRequestBuilder.post(uri);
            String type = "application/octet-stream";
            for (Map.Entry<String, String> h : headers.entrySet()) {
                if (h.getKey().equalsIgnoreCase("Content-Type")) {
                    type = h.getValue();
                } else {
                    b.addHeader(h.getKey(), h.getValue());
                }
            }
            ContentType ct = ContentType.parse(type);
            if (!ct.toString().equals(type)) {
                throw new IllegalArgumentException("content type " + type + " would go as " + ct);
            }
            b.setEntity(new BasicAsyncEntityProducer(body, ct));
            Future<LimitedBody.Reply> exchange = client.execute(b.build(), new LimitedBody(maxReplyBytes), null,
                    new FutureCallback<>() {
                        @Override
                        public void completed(LimitedBody.Reply reply) {
                            result.complete(reply);
                        }

                        @Override
                        public void failed(Exception e) {
                            if (e instanceof LimitedBody.TooLarge big) {
                                result.complete(big.reply);
                            } else {
                                result.completeExceptionally(e);
                            }
                        }

                        @Override
                        public void cancelled() {
                            result.completeExceptionally(new TimeoutException("no complete answer within "
                                    + timeout.toMillis() + " ms (sluice.bridges.http.timeout, for the whole exchange)"));
                        }
                    });
            ScheduledFuture<?> deadline = timers.schedule(() -> exchange.cancel(true), timeout.toMillis(),
                    TimeUnit.MILLISECONDS);
            result.whenComplete((r, e) -> deadline.cancel(false));
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    @Override
    public void close() {
        starts.shutdownNow();
        client.close(CloseMode.IMMEDIATE);
    }
}
