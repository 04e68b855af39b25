package dev.integrationhub.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Reads an answer's body as text, but never more than a limit: a server that answers without end (by mistake or
 * on purpose) costs at most {@code maxBytes} of memory, then the read fails with {@link TooLargeException}.
 */
public final class BoundedBody {

    private BoundedBody() {
    }

    /** A body handler that reads at most {@code maxBytes}. */
    public static HttpResponse.BodyHandler<String> ofString(int maxBytes) {
        return info -> new Reader(maxBytes);
    }

    /** The body was longer than the limit; it was not read further. */
    public static final class TooLargeException extends IOException {

        TooLargeException(int maxBytes) {
            super("answer body larger than " + maxBytes + " bytes");
        }
    }

    private static final class Reader implements HttpResponse.BodySubscriber<String> {

        private final int maxBytes;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Reader(int maxBytes) {
            this.maxBytes = maxBytes;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer item : items) {
                if (result.isDone()) {
                    return;
                }
                if (body.size() + item.remaining() > maxBytes) {
                    subscription.cancel();
                    result.completeExceptionally(new TooLargeException(maxBytes));
                    return;
                }
                byte[] bytes = new byte[item.remaining()];
                item.get(bytes);
                body.writeBytes(bytes);
            }
        }

        @Override
        public void onError(Throwable failure) {
            result.completeExceptionally(failure);
        }

        @Override
        public void onComplete() {
            result.complete(body.toString(StandardCharsets.UTF_8));
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }
    }
}
