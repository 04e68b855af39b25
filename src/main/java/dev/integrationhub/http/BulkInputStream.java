package dev.integrationhub.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * An {@link InputStream} that is read in blocks: its subclasses implement only the block read, and a single-byte
 * read is a block read of one byte (slow, and never used on the upload path, but correct).
 */
public abstract class BulkInputStream extends InputStream {

    @Override
    public final int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public abstract int read(byte[] target, int offset, int length) throws IOException;
}
