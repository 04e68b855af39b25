package dev.integrationhub.http;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.integrationhub.error.ProblemException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * A request's body as a blocking {@link InputStream}, with several network buffers asked for ahead. The HTTP
 * layer's own blocking stream asks the event loop for one buffer at a time and waits for it, a round trip
 * between two threads for every few KiB of a large upload; this one keeps up to {@code ahead} buffers coming while
 * the reader works, so memory per request stays at {@code ahead} buffers (each at most
 * {@code quarkus.http.limits.max-chunk-size}) and the flow control of TCP does the rest. A client that asked to
 * be told to go on ({@code Expect: 100-continue}) is told so when the body is first wanted: after the request was
 * authenticated and its declared length accepted.
 */
public final class RequestBodyStream extends BulkInputStream {

    private static final String CONTINUE = "100-continue";

    private final HttpServerRequest request;
    private final long idleNanos;
    private final long limit;
    private long received;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private boolean ended;
    private Throwable failure;
    private Buffer current;
    private int position;

    private RequestBodyStream(HttpServerRequest request, Duration idle, long limit) {
        this.request = request;
        this.idleNanos = idle.toNanos();
        this.limit = limit;
    }

    /**
     * Starts reading the body of a request that nothing has read yet.
     *
     * @param ahead how many buffers may wait to be read
     * @param idle how long a read waits for the next buffer before it fails
     * @param limit the most bytes the body may have (its route's limit): a read past it fails with 413
     *        {@code payload_too_large}, whether or not the length was declared
     */
    public static RequestBodyStream of(HttpServerRequest request, int ahead, Duration idle, long limit) {
        RequestBodyStream stream = new RequestBodyStream(request, idle, limit);
        if (request.isEnded()) {
            stream.ended = true;
            return stream;
        }
        request.pause();
        if (CONTINUE.equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            // a client waiting for the go-ahead (curl does for large bodies) would otherwise wait a second first
            request.response().writeContinue();
        }
        request.handler(stream::onBuffer);
        request.endHandler(ignored -> stream.onEnd(null));
        request.exceptionHandler(stream::onEnd);
        request.fetch(ahead);
        return stream;
    }

    private void onBuffer(Buffer buffer) {
        lock.lock();
        try {
            queue.add(buffer);
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void onEnd(Throwable cause) {
        lock.lock();
        try {
            ended = true;
            failure = cause;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (current == null || position == current.length()) {
            if (!next()) {
                return -1;
            }
        }
        int n = Math.min(length, current.length() - position);
        current.getBytes(position, position + n, target, offset);
        position += n;
        return n;
    }

    /** Takes the next buffer (waiting for it) and asks for one more; false at the body's end. */
    private boolean next() throws IOException {
        lock.lock();
        try {
            long left = idleNanos;
            while (queue.isEmpty()) {
                if (failure != null) {
                    throw new IOException("the request broke off", failure);
                }
                if (ended) {
                    return false;
                }
                if (left <= 0) {
                    request.connection().close();
                    throw new IOException("no more of the request's body arrived for "
                            + TimeUnit.NANOSECONDS.toSeconds(idleNanos) + " s");
                }
                left = arrived.awaitNanos(left);
            }
            current = queue.poll();
            position = 0;
            received += current.length();
            if (received > limit) {
                throw ProblemException.payloadTooLarge();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the request's body", e);
        } finally {
            lock.unlock();
        }
        request.fetch(1);
        return true;
    }
}
