package io.sluice.gateway.bridge;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.net.http.HttpResponse;

/**
 * A response body read into memory up to a limit: a callback target cannot make the gateway hold
 * more than that. Of a longer body nothing is kept (and the rest is not read): the reply says so.
 */
final class LimitedBody implements HttpResponse.BodySubscriber<LimitedBody.Reply> {

    /** The body, or {@code tooLarge} (and no bytes) when it was over the limit. */
    record Reply(byte[] bytes, boolean tooLarge) {
    }

    private final long limit;
    private final CompletableFuture<Reply> result = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    private Flow.Subscription subscription;

    private LimitedBody(long limit) {
        this.limit = limit;
    }

    static HttpResponse.BodyHandler<Reply> handler(long limit) {
        return info -> new LimitedBody(limit);
    }

    @Override
    public CompletionStage<Reply> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer b : buffers) {
            if (out.size() + (long) b.remaining() > limit) {
                subscription.cancel();
                result.complete(new Reply(null, true));
                return;
            }
            byte[] chunk = new byte[b.remaining()];
            b.get(chunk);
            out.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable t) {
        result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
        result.complete(new Reply(out.toByteArray(), false));
    }
}
