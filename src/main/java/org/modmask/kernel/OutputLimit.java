package org.modmask.kernel;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Caps what one cell prints (lines, default 10,000, {@code MODMASK_MAX_OUTPUT_LINES}): a cell that prints a million
 * lines would otherwise flood the browser and leave the notebook unresponsive. The cell keeps running; the rest of
 * its printing is dropped, with one line that says so.
 */
final class OutputLimit extends FilterOutputStream {
    private final long maxLines;
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
        return new PrintStream(new OutputLimit(out, maxLines), false, StandardCharsets.UTF_8);   // flushing stays the base stream's business
    }

    @Override
    public void write(int b) throws IOException {
        if (lines >= maxLines) {
            note();
            return;
        }
        out.write(b);
        if (b == '\n') lines++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        int start = off, end = off + len;
        for (int i = off; i < end && lines < maxLines; i++) {
            if (b[i] == '\n') {
                lines++;
                if (lines >= maxLines) {
                    out.write(b, start, i + 1 - start);
                    start = i + 1;
                }
            }
        }
        if (lines < maxLines) out.write(b, start, end - start);
        else if (start < end) note();
    }

    private void note() throws IOException {
        if (noted) return;
        noted = true;
        out.write(("… output stopped after " + maxLines + " lines (MODMASK_MAX_OUTPUT_LINES); the cell goes on running\n")
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
    }
}
