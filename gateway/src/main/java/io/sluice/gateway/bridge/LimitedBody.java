package io.sluice.gateway.bridge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.hc.client5.http.async.methods.AbstractBinResponseConsumer;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpResponse;

/**
 * A callback's response read into memory up to a limit: a callback target cannot make the gateway
 * hold more than that. Of a longer body nothing is kept and the rest is not read (the exchange
 * ends there): the reply says so ({@code tooLarge}), with the response's status.
 */
final class LimitedBody extends AbstractBinResponseConsumer<LimitedBody.Reply> {

    /** The status, content type and body, or {@code tooLarge} (and no bytes) when the body was over the limit. */
    record Reply(int status, String contentType, byte[] bytes, boolean tooLarge) {

        boolean ok() {
            return status / 100 == 2;
        }
    }

    /** Raised to stop reading a body over the limit; carries what was known of the response. */
    static final class TooLarge extends IOException {

        private static final long serialVersionUID = 1L;

        final transient Reply reply;

        TooLarge(Reply reply) {
            super("the callback's reply is over the limit");
            this.reply = reply;
        }
    }

    private final long limit;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private int status;
    private String contentType;

    LimitedBody(long limit) {
        this.limit = limit;
    }

    @Override
    protected void start(HttpResponse response, ContentType type) {
        status = response.getCode();
        var h = response.getFirstHeader("Content-Type");
        contentType = h == null ? "" : h.getValue();
    }

    @Override
    protected int capacityIncrement() {
        return (int) Math.min(64 * 1024, limit + 1);
    }

    @Override
    protected void data(ByteBuffer src, boolean endOfStream) throws IOException {
        if (out.size() + (long) src.remaining() > limit) {
            throw new TooLarge(new Reply(status, contentType, null, true));
        }
        byte[] chunk = new byte[src.remaining()];
        src.get(chunk);
        out.write(chunk, 0, chunk.length);
    }

    @Override
    protected Reply buildResult() {
        return new Reply(status, contentType, out.toByteArray(), false);
    }

    @Override
    public void releaseResources() {
    }
}
