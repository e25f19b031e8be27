package io.sluice.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 requests written byte for byte over a loopback socket, so a test controls exactly the
 * request target the server sees (HTTP clients normalise or re-encode paths). For a WebSocket
 * upgrade (101) or an event stream the answer is read up to the end of its headers; chunked bodies
 * are decoded.
 */
public final class RawHttp {

    /** A response: status, headers with lower-case names, and the body. */
    public record Response(int status, Map<String, String> headers, String body) {

        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + headers.getOrDefault("content-type", "") + " " + body;
        }
    }

    private RawHttp() {
    }

    /**
     * Sends {@code method target} with {@code headers} (name, value, name, value...) and
     * {@code body} (null: none) to 127.0.0.1:{@code port}.
     */
    public static Response send(int port, String method, String target, String body, String... headers)
            throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(20_000);
            StringBuilder req = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: 127.0.0.1:").append(port).append("\r\n");
            boolean upgrade = false;
            for (int i = 0; i + 1 < headers.length; i += 2) {
                req.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
                upgrade |= headers[i].equalsIgnoreCase("Upgrade");
            }
            if (!upgrade) {
                req.append("Connection: close\r\n");
            }
            byte[] content = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            if (body != null) {
                req.append("Content-Length: ").append(content.length).append("\r\n");
            }
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(content);
            out.flush();
            InputStream in = s.getInputStream();
            String statusLine = line(in);
            if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP response: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            Map<String, String> headerMap = new LinkedHashMap<>();
            for (String h = line(in); h != null && !h.isEmpty(); h = line(in)) {
                int colon = h.indexOf(':');
                headerMap.merge(h.substring(0, colon).trim().toLowerCase(Locale.ROOT), h.substring(colon + 1).trim(),
                        (a, b) -> a + ", " + b);
            }
            String type = headerMap.getOrDefault("content-type", "");
            if (status == 101 || type.startsWith("text/event-stream")) {
                return new Response(status, headerMap, "");
            }
            String length = headerMap.get("content-length");
            byte[] received;
            if (length != null) {
                received = in.readNBytes(Integer.parseInt(length));
            } else if ("chunked".equalsIgnoreCase(headerMap.get("transfer-encoding"))) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (int size = chunkSize(in); size > 0; size = chunkSize(in)) {
                    all.write(in.readNBytes(size));
                    line(in);
                }
                received = all.toByteArray();
            } else {
                received = upgrade ? new byte[0] : in.readAllBytes();
            }
            return new Response(status, headerMap, new String(received, StandardCharsets.UTF_8));
        }
    }

    private static int chunkSize(InputStream in) throws IOException {
        String size = line(in);
        return size == null ? 0 : Integer.parseInt(size.split(";", 2)[0].trim(), 16);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                String s = b.toString(StandardCharsets.ISO_8859_1);
                return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
            }
            b.write(c);
        }
        return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
}
