package io.sluice.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;

/**
 * An event subscriber that stops reading: a raw loopback socket with a small receive buffer that
 * subscribes (WebSocket {@code subscribe}, or the SSE stream) and then never reads, so TCP backs up
 * into the gateway. {@link #readWebSocket} / {@link #readEventStream} read what it was sent later.
 */
public final class StalledSubscriber implements AutoCloseable {

    private final Socket socket;

    private StalledSubscriber(Socket socket) {
        this.socket = socket;
    }

    /** Connects with a small receive buffer, sends {@code request} and reads the response head, which must start so. */
    private static Socket open(int port, String request, String expected) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(4096);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        s.setSoTimeout(20_000);
        s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        String head = head(s.getInputStream());
        if (!head.startsWith(expected)) {
            s.close();
            throw new IOException("expected " + expected + ": " + head);
        }
        return s;
    }

    /** A WebSocket on /v1/ws that sends {@code request} (a JSON request, e.g. subscribe) and reads no more. */
    public static StalledSubscriber webSocket(int port, String request) throws IOException {
        Socket s = open(port, "GET /v1/ws HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n", "HTTP/1.1 101");
        OutputStream out = s.getOutputStream();
        byte[] payload = request.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xff);
        }
        byte[] mask = new byte[4];
        new SecureRandom().nextBytes(mask);
        frame.write(mask);
        for (int i = 0; i < payload.length; i++) {
            frame.write(payload[i] ^ mask[i % 4]);
        }
        out.write(frame.toByteArray());
        out.flush();
        return new StalledSubscriber(s);
    }

    /** The SSE stream of {@code peerId}, its response headers read, and then nothing. */
    public static StalledSubscriber eventStream(int port, String peerId) throws IOException {
        return new StalledSubscriber(open(port, "GET /v1/peers/" + peerId + "/events HTTP/1.1\r\nHost: 127.0.0.1:"
                + port + "\r\nAccept: text/event-stream\r\n\r\n", "HTTP/1.1 200"));
    }

    private static String head(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        for (int c = in.read(); c != -1; c = in.read()) {
            b.write(c);
            matched = (c == '\r' && matched % 2 == 0) || (c == '\n' && matched % 2 == 1) ? matched + 1 : 0;
            if (matched == 4) {
                break;
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    /** What a WebSocket was sent, read now to its close: the text messages and the close code (-1: none). */
    public record WebSocketEnd(List<String> texts, int closeCode) {
        public String last() {
            return texts.isEmpty() ? null : texts.get(texts.size() - 1);
        }
    }

    /** Reads every frame up to the close frame or the end of the connection; keeps the last 16 texts. */
    public WebSocketEnd readWebSocket() throws IOException {
        InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
        List<String> texts = new ArrayList<>();
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        while (true) {
            int b0 = in.read();
            if (b0 < 0) {
                return new WebSocketEnd(texts, -1);
            }
            int b1 = in.read();
            long len = b1 & 0x7f;
            if (len == 126) {
                len = (in.read() << 8) | in.read();
            } else if (len == 127) {
                len = 0;
                for (int i = 0; i < 8; i++) {
                    len = (len << 8) | in.read();
                }
            }
            byte[] payload = in.readNBytes((int) len);
            int opcode = b0 & 0x0f;
            if (opcode == 8) {
                int code = payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
                return new WebSocketEnd(texts, code);
            }
            if (opcode == 1 || opcode == 0) {
                message.write(payload);
                if ((b0 & 0x80) != 0) {
                    texts.add(message.toString(StandardCharsets.UTF_8));
                    if (texts.size() > 16) {
                        texts.remove(0);
                    }
                    message.reset();
                }
            }
        }
    }

    /** Reads the event stream until a line {@code event:<name>} or the end; true if the line came. */
    public boolean readEventStreamUntil(String name) throws IOException {
        InputStream in = new java.io.BufferedInputStream(socket.getInputStream(), 1 << 16);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                if (line.toString(StandardCharsets.UTF_8).trim().equals("event:" + name)) {
                    return true;
                }
                line.reset();
            } else if (line.size() < 256) {
                line.write(c);
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
