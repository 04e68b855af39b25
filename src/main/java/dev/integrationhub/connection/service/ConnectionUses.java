package dev.integrationhub.connection.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.integrationhub.audit.AuditLog;
import dev.integrationhub.audit.RowsInsert;
import dev.integrationhub.auth.CurrentCaller.Caller;
import dev.integrationhub.connection.ConnectionFact;
import dev.integrationhub.connection.ConnectionRepository;
import dev.integrationhub.connection.ConnectionRepository.TokenRow;
import dev.integrationhub.connection.GrantTokens;
import dev.integrationhub.error.DatabaseOutage;
import io.agroal.api.AgroalDataSource;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Records that a caller used a connection (handed out a token, sent a mail, uploaded a file): the audit entry and
 * the use's history ({@link UseHistory}) together, on their own, since the use itself happened outside the database.
 * The features that act call this instead of the audit log, so neither can exist without the other.
 *
 * <p>
 * A use is recorded before {@link #record} returns (a token is handed out only once its hand-out is on record), but
 * uses recorded at the same time are written together (group commit): one caller at a time writes, taking
 * everything queued so far (up to {@value #MAX_BATCH}) in one statement ({@link RowsInsert#runTogether}), while the
 * uses that arrive meanwhile queue and wait. A caller that finds nobody writing writes at once, its own use and
 * whatever else is queued, on its own thread: alone, a use costs no hand-over to another thread; under load a token
 * hand-out costs its share of one statement, and the statements never run side by side (concurrent inserts would
 * contend for the same index pages). A writer stops once its own use is written and wakes the next waiting caller
 * to go on. When a shared statement fails, each of its uses is written alone again, so one use that cannot be
 * recorded fails only its own caller; when the database is out of reach, they all fail at once (each caller
 * answers 503).
 *
 * <p>
 * A token hand-out whose stored token is still valid ({@link #handOutIfValid}) is read by the same writer, in one
 * query for every hand-out of the group (on the writers' connection, ahead of the statement that records them): so a
 * hand-out costs no pooled connection (and its check) and no query of its own, where reading each alone cost the
 * database as much as the rest of the hand-out.
 */
@ApplicationScoped
public class ConnectionUses {

    /** The most uses one statement records. */
    static final int MAX_BATCH = 64;
    /** A kept connection idle this long is checked before it writes again (shorter than any database restart). */
    private static final Duration CHECK_IDLE = Duration.ofMillis(100);
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(2);
    private static final Logger LOG = Logger.getLogger(ConnectionUses.class);

    private final AuditLog audit;
    private final UseHistory history;
    private final GrantTokens tokens;
    private final AgroalDataSource database;
    private final Queue<Pending> queued = new ConcurrentLinkedQueue<>();
    /** Held by the one caller writing. */
    private final ReentrantLock writing = new ReentrantLock();
    /** The writers' connection ({@link #writersConnection}), and when it last wrote ({@link System#nanoTime}). */
    private Connection connection;
    private long usedAt;

    ConnectionUses(AuditLog audit, UseHistory history, GrantTokens tokens, AgroalDataSource database) {
        this.audit = audit;
        this.history = history;
        this.tokens = tokens;
        this.database = database;
    }

    /**
     * A token handed out: its row and the access token in clear.
     */
    public record HandedOut(TokenRow row, String accessToken) {

        @Override
        public String toString() {
            return "HandedOut[" + row.owner().id() + ", expires " + row.expiresAt() + "]";
        }
    }

    /** What a caller queues: a use to record, or a hand-out to read and, if its token is valid, record. */
    private sealed interface Request {
    }

    private record Use(AuditLog.Entry entry, ConnectionFact.Used fact) implements Request {
    }

    private record HandOut(Caller caller, UUID connectionId, Instant validAfter, String action) implements Request {
    }

    /** A request waiting to be written by its caller's thread, completed once it is (with the hand-out, if any). */
    private record Pending(Request request, Thread caller, CompletableFuture<Optional<HandedOut>> done) {

        void complete(Optional<HandedOut> handedOut, RuntimeException failure) {
            if (failure == null) {
                done.complete(handedOut);
            } else {
                done.completeExceptionally(failure);
            }
            LockSupport.unpark(caller);
        }
    }

    /** A pending request's rows to insert, and what its caller gets once they are. */
    private record Recording(Pending pending, Use use, Optional<HandedOut> handedOut) {
    }

    /**
     * Records the use; returns once it is committed.
     *
     * @param ownerId the connection's owner ({@link ConnectionFact.Used#ownerId()})
     * @param action the audit action, e.g. {@code action.gmail_send}
     * @param detail the audit detail (a platform service's client is added)
     * @throws RuntimeException what writing it failed with (the database is down, say)
     */
    public void record(Caller caller, UUID connectionId, String ownerId, String action, Map<String, Object> detail,
            ConnectionFact.Use use) {
        submit(use(caller, connectionId, ownerId, action, detail, use));
    }

    /**
     * Records that a token valid until {@code expiresAt} was handed out to the caller (one read without
     * {@link #handOutIfValid}, a refreshed one say); returns once it is committed.
     */
    public void recordHandOut(Caller caller, UUID connectionId, String ownerId, Instant expiresAt, String action) {
        submit(handOutUse(caller, connectionId, ownerId, expiresAt, action));
    }

    /**
     * The connection's access token, handed out to the caller, when one is stored, the connection can be used and
     * the token is valid after {@code validAfter}: its hand-out is recorded (as {@link #recordHandOut}) before this
     * returns. Empty, with nothing recorded, when not (the connection is gone, needs the user again, or its token
     * must be refreshed first).
     *
     * @throws RuntimeException what reading or recording failed with (the database is down, the token cannot be
     *         decrypted)
     */
    public Optional<HandedOut> handOutIfValid(Caller caller, UUID connectionId, Instant validAfter, String action) {
        return submit(new HandOut(caller, connectionId, validAfter, action));
    }

    private static Use use(Caller caller, UUID connectionId, String ownerId, String action,
            Map<String, Object> detail, ConnectionFact.Use use) {
        return new Use(new AuditLog.Entry(caller.subject(), action, connectionId, caller.audited(detail)),
                new ConnectionFact.Used(connectionId, ownerId, caller, use));
    }

    private static Use handOutUse(Caller caller, UUID connectionId, String ownerId, Instant expiresAt,
            String action) {
        return use(caller, connectionId, ownerId, action, Map.of("expires_at", String.valueOf(expiresAt)),
                new ConnectionFact.TokenHandedOut(expiresAt));
    }

    private Optional<HandedOut> submit(Request request) {
        Pending pending = new Pending(request, Thread.currentThread(), new CompletableFuture<>());
        queued.add(pending);
        boolean interrupted = false;
        while (!pending.done().isDone()) {
            // waits on like join(): an interrupt neither ends the wait nor reaches the group's write; it is kept
            interrupted |= Thread.interrupted();
            if (writing.tryLock()) {
                try {
                    // outside any transaction of the caller's: the uses are committed on their own, whatever it does
                    QuarkusTransaction.suspendingExisting().run(() -> write(take()));
                } finally {
                    writing.unlock();
                }
            } else {
                LockSupport.park(this);
            }
        }
        wakeNextWriter();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            return pending.done().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
    }

    /** Up to {@value #MAX_BATCH} queued uses, oldest first. */
    private List<Pending> take() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        for (Pending next; batch.size() < MAX_BATCH && (next = queued.poll()) != null;) {
            batch.add(next);
        }
        return batch;
    }

    /**
     * Wakes the oldest waiting caller to write what is still queued, unless another caller is writing (it does the
     * same when it stops). Looked at after this caller stopped writing, so a use queued while it wrote, whose caller
     * found the lock taken and went to wait, is seen here.
     */
    private void wakeNextWriter() {
        Pending next = queued.peek();
        if (next != null && !writing.isLocked()) {
            LockSupport.unpark(next.caller());
        }
    }

    private void write(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        try {
            List<Recording> recordings = resolve(batch);
            insert(recordings.stream().map(Recording::use).toList());
            recordings.forEach(recording -> recording.pending().complete(recording.handedOut(), null));
        } catch (RuntimeException e) {
            if (batch.size() == 1 || DatabaseOutage.isCause(e)) {
                // with the database out of reach, writing each use alone would only fail each again, one by one
                batch.forEach(pending -> pending.complete(Optional.empty(), e));
            } else {
                batch.stream().filter(pending -> !pending.done().isDone()).forEach(pending -> write(List.of(pending)));
            }
        }
    }

    /**
     * The uses to record for the batch: its uses as they are, and its hand-outs whose token is valid, their rows
     * read in one query. A hand-out that is not valid, or whose token cannot be decrypted, is completed here, alone.
     */
    private List<Recording> resolve(List<Pending> batch) {
        List<UUID> asked = batch.stream().map(Pending::request).<UUID> mapMulti((request, ids) -> {
            if (request instanceof HandOut handOut) {
                ids.accept(handOut.connectionId());
            }
        }).distinct().toList();
        Map<UUID, TokenRow> rows = asked.isEmpty() ? Map.of()
                : onWritersConnection("the hand-outs' tokens could not be read",
                        connection -> ConnectionRepository.tokenRows(connection, asked));
        List<Recording> recordings = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            switch (pending.request()) {
                case Use use -> recordings.add(new Recording(pending, use, Optional.empty()));
                case HandOut handOut -> {
                    try {
                        TokenRow row = rows.get(handOut.connectionId());
                        if (isValid(row, handOut.validAfter())) {
                            HandedOut handed = new HandedOut(row,
                                    tokens.accessToken(row.owner(), row.accessTokenCiphertext()));
                            recordings.add(new Recording(pending, handOutUse(handOut.caller(), handOut.connectionId(),
                                    row.owner().userId(), row.expiresAt(), handOut.action()), Optional.of(handed)));
                        } else {
                            pending.complete(Optional.empty(), null);
                        }
                    } catch (RuntimeException e) {
                        pending.complete(Optional.empty(), e);
                    }
                }
            }
        }
        return recordings;
    }

    private static boolean isValid(TokenRow row, Instant validAfter) {
        return row != null && row.status().isRefreshable() && row.accessTokenCiphertext() != null
                && row.expiresAt() != null && row.expiresAt().isAfter(validAfter);
    }

    /** One statement on the writers' connection, in autocommit mode: every row of the uses, or none. */
    private void insert(List<Use> uses) {
        if (uses.isEmpty()) {
            return;
        }
        List<RowsInsert> inserts = List.of(audit.insertOf(uses.stream().map(Use::entry).toList()),
                history.insertOf(uses.stream().map(Use::fact).toList()));
        onWritersConnection("the uses could not be recorded", connection -> {
            RowsInsert.runTogether(connection, inserts);
            return null;
        });
    }

    /** Work with JDBC on the writers' connection. */
    private interface JdbcWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * Runs the work on the writers' connection ({@link #writersConnection}); when it fails, the connection is given
     * back (the next writer takes another) and the failure is thrown as {@code failure}.
     */
    private <T> T onWritersConnection(String failure, JdbcWork<T> work) {
        try {
            T result = work.run(writersConnection());
            usedAt = System.nanoTime();
            return result;
        } catch (SQLException | RuntimeException e) {
            closeWritersConnection();
            throw new IllegalStateException(failure, e);
        }
    }

    /**
     * The connection the writers share, taken from the pool once and kept: the pool checks a connection each time
     * it hands one out (a round trip, so that after a database restart no request meets a broken one), which cost
     * as much again as the statement. Kept, it is checked the same way once it was idle for {@link #CHECK_IDLE}; a
     * failed statement gives it back. Called only by the caller holding {@link #writing}.
     */
    private Connection writersConnection() throws SQLException {
        if (connection != null && System.nanoTime() - usedAt > CHECK_IDLE.toNanos()
                && !connection.isValid((int) CHECK_TIMEOUT.toSeconds())) {
            closeWritersConnection();
        }
        if (connection == null) {
            connection = database.getConnection();
            connection.setAutoCommit(true); // as the pool hands it out; were it not, the rows would go back with it
        }
        return connection;
    }

    private void closeWritersConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debugf("closing the uses' connection failed: %s", e.getMessage());
            }
            connection = null;
        }
    }

    @PreDestroy
    void close() {
        writing.lock();
        try {
            closeWritersConnection();
        } finally {
            writing.unlock();
        }
    }
}
