package dev.integrationhub.google.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.jboss.logging.Logger;

/**
 * A message's MIME, written by {@link MimeComposer} to a temporary file so it can be streamed to Gmail without
 * being held in memory. Closing it deletes the file: hold it in try-with-resources.
 *
 * @param file the MIME (RFC 5322, CRLF line ends), Bcc included: Gmail reads it to deliver and removes it
 * @param size the file's length in bytes
 * @param recipients how many addresses the message goes to, To, Cc and Bcc together
 */
public record ComposedMessage(Path file, long size, int recipients) implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ComposedMessage.class);

    /** Deletes the file. A failure is logged, never thrown, so it cannot hide the error that ended a send. */
    @Override
    public void close() {
        delete(file);
    }

    static void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warnf("Could not delete the temporary message file %s: %s", file, e.getClass().getSimpleName());
        }
    }
}
