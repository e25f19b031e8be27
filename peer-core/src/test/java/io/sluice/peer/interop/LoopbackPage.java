package io.sluice.peer.interop;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A blank page on {@code http://127.0.0.1:<port>/}: a secure context (loopback HTTP counts as
 * one), which getUserMedia and thus loopback candidates need. Used by loopback-mode browsers.
 */
final class LoopbackPage implements AutoCloseable {

    private static final byte[] PAGE = "<!doctype html><meta charset=utf-8><title>sluice interop</title>"
            .getBytes(StandardCharsets.UTF_8);

    private final HttpServer server;

    private LoopbackPage(HttpServer server) {
        this.server = server;
    }

    static LoopbackPage start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().add("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, PAGE.length);
            exchange.getResponseBody().write(PAGE);
            exchange.close();
        });
        server.start();
        return new LoopbackPage(server);
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
