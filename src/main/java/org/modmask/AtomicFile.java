package org.modmask;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file so that a half-written one never replaces a good one: the data go to a temporary file in the same
 * directory, are synced to disk, and only then replace {@code path}. On any failure the previous file is untouched.
 */
public final class AtomicFile {
    /** What goes into the file. It may wrap and close the stream; the file is synced afterwards all the same. */
    @FunctionalInterface
    public interface Body {
        void write(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    /** A temporary file untouched this long was left by a process that died mid-save (a save takes seconds). */
    static final java.time.Duration STALE = java.time.Duration.ofMinutes(10);

    /**
     * Deletes the temporary files a killed process left beside {@code name}. Their names carry the writer's process id
     * ({@code name.<pid>.<random>.tmp}): a file whose process is gone is removed at once; one whose id is alive here
     * (this process, or an id reused, or another machine on a shared folder) only once it is {@link #STALE}.
     */
    static void removeStale(Path dir, String name) {
        java.util.regex.Pattern tmpName = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(name) + "\\.(\\d+)\\.\\d+\\.tmp");
        long cutoff = System.currentTimeMillis() - STALE.toMillis();
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                var m = tmpName.matcher(f.getFileName().toString());
                if (!m.matches()) continue;
                try {
                    boolean writerGone = ProcessHandle.of(Long.parseLong(m.group(1))).map(h -> !h.isAlive()).orElse(true);
                    if (writerGone || Files.getLastModifiedTime(f).toMillis() < cutoff) Files.deleteIfExists(f);
                } catch (IOException | NumberFormatException ignored) {
                    // removed by someone else meanwhile, or not ours: the save goes on
                }
            }
        } catch (IOException ignored) {
            // an unlistable folder: the write below reports the real problem
        }
    }

    public static void write(Path path, Body body) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        removeStale(dir, path.getFileName().toString());
        Path tmp = Files.createTempFile(dir, path.getFileName() + "." + ProcessHandle.current().pid() + ".", ".tmp");
        try {   // a temporary file is private (0600); the result is an ordinary file others sharing the folder can read
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system: its defaults apply
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(ch));
                body.write(new FilterOutputStream(buffered) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {     // the channel stays open for the sync below
                        flush();
                    }
                });
                buffered.flush();
                ch.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
