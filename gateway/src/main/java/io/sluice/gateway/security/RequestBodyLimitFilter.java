package io.sluice.gateway.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps every request body before anything reads it (REST, the one-call form and its trickle, the
 * actuator): a {@code Content-Length} above {@code sluice.requests.max-body-bytes} is answered 413
 * without reading a byte; a body without a length (chunked) is read up to the cap and answered 413
 * as soon as it goes past it. Either way no handler runs, so nothing changes. The API's own
 * smaller limits (SDP, messages) still apply after this one, with their own messages.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 20)
@EnableConfigurationProperties(RequestBodyLimitFilter.Properties.class)
public class RequestBodyLimitFilter extends OncePerRequestFilter {

    /** @param maxBodyBytes the largest request body the gateway reads */
    @ConfigurationProperties("sluice.requests")
    public record Properties(@DefaultValue("1MB") DataSize maxBodyBytes) {
    }

    private final long limit;

    public RequestBodyLimitFilter(Properties properties) {
        this.limit = properties.maxBodyBytes().toBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long declared = request.getContentLengthLong();
        if (declared > limit) {
            tooLarge(request, response, declared + " bytes");
            return;
        }
        if (declared >= 0 || request.getHeader("Transfer-Encoding") == null) {
            // No body, or one the container stops reading at its declared length.
            chain.doFilter(request, response);
            return;
        }
        InputStream in = request.getInputStream();
        byte[] body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        if (body.length > limit) {
            tooLarge(request, response, "more than " + limit + " bytes");
            return;
        }
        chain.doFilter(new Buffered(request, body), response);
    }

    private void tooLarge(HttpServletRequest request, HttpServletResponse response, String size) throws IOException {
        // The rest of the body is not read: the connection is not reused.
        response.setHeader("Connection", "close");
        ProblemResponses.write(request, response, 413, "LimitExceeded", "Limit exceeded", "request body of " + size
                + " exceeds the limit of " + limit + " bytes (sluice.requests.max-body-bytes)", Map.of());
    }

    /** The request with its body already read (and within the cap). */
    private static final class Buffered extends HttpServletRequestWrapper {

        private final byte[] body;
        private final ByteArrayInputStream in;

        Buffered(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
            this.in = new ByteArrayInputStream(body);
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("a buffered body is read synchronously");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            String cs = getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding();
            return new java.io.BufferedReader(new java.io.InputStreamReader(in, java.nio.charset.Charset.forName(cs)));
        }
    }
}
