package dev.integrationhub.connection.service;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import dev.integrationhub.audit.AuditLog;
import dev.integrationhub.audit.RowsInsert;
import dev.integrationhub.auth.CurrentCaller.Caller;
import dev.integrationhub.connection.ConnectionFact;
import dev.integrationhub.error.DatabaseOutage;
import io.agroal.api.AgroalDataSource;

/**
 * Records that a caller used a connection (handed out a token, sent a mail, uploaded a file): the audit entry and
 * the use's history ({@link UseHistory}) together, on their own, since the use itself happened outside the database.
 * The features that act call this instead of the audit log, so neither can exist without the other.
 *
 * <p>
 * A use is recorded before {@link #record} returns (a token is handed out only once its hand-out is on record), but
 * uses recorded at the same time are written together: one writer thread takes everything queued so far (up to
 * {@value #MAX_BATCH}) and writes it in one go, while the next uses queue (group commit). Their audit entries and
 * their history are one statement ({@link RowsInsert#runTogether}), committed by itself: under load a token hand-out
 * costs its share of one statement, not a transaction of its own; alone, a use is written at once. When a shared
 * statement fails, each of its uses is written alone again, so one use that cannot be recorded fails only its own
 * caller; when the database is out of reach, they all fail at once (each caller answers 503).
 */
@ApplicationScoped
public class ConnectionUses {

    /** The most uses one transaction records. */
    static final int MAX_BATCH = 64;

    private final AuditLog audit;
    private final UseHistory history;
    private final AgroalDataSource database;
    private final BlockingQueue<Pending> queued = new LinkedBlockingQueue<>();
    private Thread writer;

    ConnectionUses(AuditLog audit, UseHistory history, AgroalDataSource database) {
        this.audit = audit;
        this.history = history;
        this.database = database;
    }

    /** A use waiting to be recorded, completed once it is. */
    private record Pending(AuditLog.Entry entry, ConnectionFact.Used fact, CompletableFuture<Void> recorded) {
    }

    @PostConstruct
    void startWriter() {
        writer = Thread.ofPlatform().name("connection-uses").daemon().start(this::writeQueued);
    }

    @PreDestroy
    void stopWriter() {
        writer.interrupt();
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
                new ConnectionFact.Used(connectionId, ownerId, caller, use), new CompletableFuture<>());
        queued.add(pending);
        try {
            pending.recorded().join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : e;
        }
    }

    private void writeQueued() {
        List<Pending> batch = new ArrayList<>(MAX_BATCH);
        while (true) {
            try {
                batch.add(queued.take());
            } catch (InterruptedException e) {
                break;
            }
            queued.drainTo(batch, MAX_BATCH - 1);
            write(batch);
            batch.clear();
        }
        IllegalStateException stopped = new IllegalStateException("the service is stopping");
        queued.forEach(pending -> pending.recorded().completeExceptionally(stopped));
    }

    private void write(List<Pending> batch) {
        try {
            insert(batch);
            batch.forEach(pending -> pending.recorded().complete(null));
        } catch (RuntimeException e) {
            if (batch.size() == 1 || DatabaseOutage.isCause(e)) {
                // with the database out of reach, writing each use alone would only fail each again, one by one
                batch.forEach(pending -> pending.recorded().completeExceptionally(e));
            } else {
                batch.forEach(pending -> write(List.of(pending)));
            }
        }
    }

    /** One statement on a connection of its own, in autocommit mode: every row of the batch, or none. */
    private void insert(List<Pending> batch) {
        List<RowsInsert> inserts = List.of(audit.insertOf(batch.stream().map(Pending::entry).toList()),
                history.insertOf(batch.stream().map(Pending::fact).toList()));
        try (Connection connection = database.getConnection()) {
            connection.setAutoCommit(true); // as the pool hands it out; were it not, the rows would go back with it
            RowsInsert.runTogether(connection, inserts);
        } catch (SQLException e) {
            throw new IllegalStateException("the uses could not be recorded", e);
        }
    }
}
