package dev.integrationhub.google.service;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import dev.integrationhub.http.BulkInputStream;

/**
 * The file a request's upload is spooled to, read while it is still being written: one thread writes what the
 * request brings, another sends it on from the file as far as it has come. The disk, not the memory, holds
 * whatever the sender is behind, so memory stays at one chunk per upload while the client is never slowed down
 * to the provider's pace.
 *
 * <p>
 * A stream is opened for the length the file is expected to have ({@link #open(long)}): it gives every byte as
 * soon as it is written but the last, which it holds back until the writer has completed the file at exactly that
 * length; a file that turns out longer or shorter fails the stream instead. So whoever sends the stream on never
 * sends the end of a file that is not the one expected. The writer ends with {@link #complete()} or {@link #fail}
 * (every stream fails with the reason); {@link #close()} deletes the file and makes further writes fail, so the
 * writer stops.
 */
public final class SpoolFile implements AutoCloseable {

    /**
     * A stream of the file was ended by the writer; {@link #reason()} says why, as the answer to give. Unchecked,
     * so that an HTTP client sending the stream gives up at once instead of taking it for a network failure to
     * retry.
     */
    public static final class AbandonedException extends RuntimeException {

        private final RuntimeException reason;

        AbandonedException(RuntimeException reason) {
            super("the spooled upload was abandoned: " + reason.getClass().getSimpleName(), null, false, false);
            this.reason = reason;
        }

        public RuntimeException reason() {
            return reason;
        }
    }

    private final Path path;
    private final FileChannel out;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private long length;
    private boolean complete;
    private boolean closed;
    private RuntimeException failure;

    private SpoolFile(Path path) throws IOException {
        this.path = path;
        this.out = FileChannel.open(path, StandardOpenOption.WRITE);
    }

    /** A new, empty spool file in {@code directory} (created if missing). */
    public static SpoolFile create(Path directory) throws IOException {
        Files.createDirectories(directory);
        return new SpoolFile(Files.createTempFile(directory, "upload-", ".part"));
    }

    /** Appends bytes; fails once the file was closed. */
    public void write(byte[] bytes, int offset, int count) throws IOException {
        if (isClosed()) {
            throw new IOException("the spool file was closed");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, count);
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
        lock.lock();
        try {
            length += count;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The whole file is written: streams end where it ends. */
    public void complete() {
        finish(null);
    }

    /** The file will not be whole: every stream fails with {@code reason}. */
    public void fail(RuntimeException reason) {
        finish(reason);
    }

    private void finish(RuntimeException failed) {
        lock.lock();
        try {
            complete = failed == null;
            failure = failed;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            out.close();
        } catch (IOException e) {
            // the bytes were written; closing only releases the descriptor
        }
    }

    /** The bytes written so far (all of them once the writer completed the file). */
    public long length() {
        lock.lock();
        try {
            return length;
        } finally {
            lock.unlock();
        }
    }

    public Path path() {
        return path;
    }

    /**
     * A stream of the file from its start, which waits for the writer where it has not come yet, and ends after
     * {@code expectedLength} bytes; its last byte comes only once the file is complete at exactly that length.
     */
    public InputStream open(long expectedLength) throws IOException {
        return new Reader(FileChannel.open(path, StandardOpenOption.READ), expectedLength);
    }

    private boolean isClosed() {
        lock.lock();
        try {
            return closed;
        } finally {
            lock.unlock();
        }
    }

    /** Deletes the file; the writer's next write fails, open streams fail. */
    @Override
    public void close() throws IOException {
        lock.lock();
        try {
            closed = true;
            if (failure == null && !complete) {
                failure = new IllegalStateException("spool file closed");
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        Files.deleteIfExists(path);
    }

    /**
     * Reads the file in blocks of {@link #BLOCK} bytes, handed out in whatever pieces the caller asks for (the
     * Google client copies in 4 KiB pieces: one file read and one wait on the writer per piece would cost more
     * than the copy). Marks are positions in the file, so the client's retry of a chunk re-reads the file instead
     * of keeping the chunk in memory.
     */
    private final class Reader extends BulkInputStream {

        private static final int BLOCK = 256 * 1024;

        private final FileChannel in;
        private final long expectedLength;
        private final ByteBuffer block = ByteBuffer.allocate(BLOCK).limit(0);
        /** The file position of the block's first byte. */
        private long blockStart;
        private long mark;

        Reader(FileChannel in, long expectedLength) {
            this.in = in;
            this.expectedLength = expectedLength;
        }

        @Override
        public int read(byte[] target, int offset, int count) throws IOException {
            if (count == 0) {
                return 0;
            }
            if (!block.hasRemaining() && !fill()) {
                return -1;
            }
            int n = Math.min(count, block.remaining());
            block.get(target, offset, n);
            return n;
        }

        /** Reads the next block from the file: false at the expected end. */
        private boolean fill() throws IOException {
            long position = blockStart + block.limit();
            long available = awaitBytes(position);
            if (available == 0) {
                return false;
            }
            blockStart = position;
            block.clear().limit((int) Math.min(BLOCK, available));
            while (block.hasRemaining()) {
                if (in.read(block, position + block.position()) < 0) {
                    throw new IOException("the spool file is shorter than written");
                }
            }
            block.flip();
            return true;
        }

        /**
         * Waits until there are bytes past {@code position} that may be given (their count) or the expected end
         * (0): all written bytes but the expected last one, which needs the complete file.
         */
        private long awaitBytes(long position) throws IOException {
            lock.lock();
            try {
                while (true) {
                    if (failure != null) {
                        throw new AbandonedException(failure);
                    }
                    if (length > expectedLength || complete && length != expectedLength) {
                        throw new AbandonedException(new IllegalStateException(
                                "the file has " + (complete ? "" : "more than ") + length + " bytes, not the "
                                        + expectedLength + " expected"));
                    }
                    long releasable = complete ? length : Math.min(length, expectedLength - 1);
                    if (position < releasable || complete) {
                        return releasable - position;
                    }
                    changed.await();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the upload's bytes", e);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public boolean markSupported() {
            return true;
        }

        /** Any limit: the marked bytes stay in the file. */
        @Override
        public void mark(int readLimit) {
            mark = blockStart + block.position();
        }

        @Override
        public void reset() {
            blockStart = mark;
            block.limit(0);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
