package dev.integrationhub.connection.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    private final AgroalDataSource database;
    private final Queue<Pending> queued = new ConcurrentLinkedQueue<>();
    /** Held by the one caller writing. */
    private final ReentrantLock writing = new ReentrantLock();
    /** The writers' connection ({@link #writersConnection}), and when it last wrote ({@link System#nanoTime}). */
    private Connection connection;
    private long usedAt;

    ConnectionUses(AuditLog audit, UseHistory history, AgroalDataSource database) {
        this.audit = audit;
        this.history = history;
        this.database = database;
    }

    /** A use waiting to be recorded by its caller's thread, completed once it is. */
    private record Pending(AuditLog.Entry entry, ConnectionFact.Used fact, Thread caller,
            CompletableFuture<Void> recorded) {

        void complete(RuntimeException failure) {
            if (failure == null) {
                recorded.complete(null);
            } else {
                recorded.completeExceptionally(failure);
            }
            LockSupport.unpark(caller);
        }
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
        Pending pending = new Pending(new AuditLog.Entry(caller.subject(), action, connectionId, caller.audited(detail)),
                new ConnectionFact.Used(connectionId, ownerId, caller, use), Thread.currentThread(),
                new CompletableFuture<>());
        queued.add(pending);
        boolean interrupted = false;
        while (!pending.recorded().isDone()) {
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
            pending.recorded().join();
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
            insert(batch);
            batch.forEach(pending -> pending.complete(null));
        } catch (RuntimeException e) {
            if (batch.size() == 1 || DatabaseOutage.isCause(e)) {
                // with the database out of reach, writing each use alone would only fail each again, one by one
                batch.forEach(pending -> pending.complete(e));
            } else {
                batch.forEach(pending -> write(List.of(pending)));
            }
        }
    }

    /** One statement on the writers' connection, in autocommit mode: every row of the batch, or none. */
    private void insert(List<Pending> batch) {
        List<RowsInsert> inserts = List.of(audit.insertOf(batch.stream().map(Pending::entry).toList()),
                history.insertOf(batch.stream().map(Pending::fact).toList()));
        try {
            RowsInsert.runTogether(writersConnection(), inserts);
            usedAt = System.nanoTime();
        } catch (SQLException | RuntimeException e) {
            closeWritersConnection();
            throw new IllegalStateException("the uses could not be recorded", e);
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
