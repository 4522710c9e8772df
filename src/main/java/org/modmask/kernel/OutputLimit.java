package org.modmask.kernel;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * What one cell prints, passed on line by line and capped (default 10,000 lines, {@code MODMASK_MAX_OUTPUT_LINES}):
 * <ul>
 * <li>A {@code printf}'s pieces reach the client as one message per line. The base stream sends a message per write,
 * and a 5-line printf loop arrived as 43 stream messages.</li>
 * <li>A cell that prints a million lines would otherwise flood the browser and leave the notebook unresponsive. The
 * cell keeps running; the rest of its printing is dropped, with one line that says so.</li>
 * </ul>
 * An explicit {@code flush()} and the cell's end pass on a line that has no newline yet.
 */
final class OutputLimit extends FilterOutputStream {
    private final long maxLines;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private long lines;
    private boolean noted;

    private OutputLimit(OutputStream out, long maxLines) {
        super(out);
        this.maxLines = maxLines;
    }

    static long configured() {
        String v = System.getenv("MODMASK_MAX_OUTPUT_LINES");
        try {
            return v == null || v.isBlank() ? 10_000 : Math.max(1, Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            return 10_000;
        }
    }

    static PrintStream wrap(PrintStream out, long maxLines) {
        // no autoflush: with it, PrintStream flushes after every piece it writes
        return new PrintStream(new OutputLimit(out, maxLines), false, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        write(new byte[]{(byte) b}, 0, 1);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        boolean completed = false;
        for (int i = off; i < off + len; i++) {
            if (lines >= maxLines) {
                note();
                return;
            }
            line.write(b[i]);
            if (b[i] == '\n') {
                line.writeTo(out);
                line.reset();
                lines++;
                completed = true;
            }
        }
        if (completed) out.flush();
    }

    @Override
    public synchronized void flush() throws IOException {
        if (line.size() > 0 && lines < maxLines) {
            line.writeTo(out);
            line.reset();
        }
        out.flush();
    }

    private void note() throws IOException {
        if (noted) return;
        noted = true;
        line.reset();
        out.write(("… output stopped after " + maxLines + " lines (MODMASK_MAX_OUTPUT_LINES); the cell goes on running\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
