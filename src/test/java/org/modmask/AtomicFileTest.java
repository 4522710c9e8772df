package org.modmask;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

class AtomicFileTest {
    @Test
    void aFailedWriteLeavesThePreviousFileAndNoTemporaryFile(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("sub/data.zip");
        AtomicFile.write(f, out -> {              // a body that closes the stream it wraps
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry("a"));
                zip.write(new byte[]{1, 2, 3});
                zip.closeEntry();
            }
        });
        byte[] good = Files.readAllBytes(f);
        assertTrue(good.length > 3);
        IOException e = assertThrows(IOException.class, () -> AtomicFile.write(f, out -> {
            out.write(new byte[]{9, 9});
            throw new IOException("disk full");
        }));
        assertEquals("disk full", e.getMessage());
        assertArrayEquals(good, Files.readAllBytes(f));
        try (var files = Files.list(f.getParent())) {
            assertEquals(1, files.count(), "the temporary file is removed");
        }
    }

    @Test
    void theNextSaveRemovesTemporaryFilesAKilledProcessLeft(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("base.ckpt");
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        long me = ProcessHandle.current().pid();
        Path deadWriter = Files.write(dir.resolve("base.ckpt." + gone.pid() + ".8431772.tmp"), new byte[1000]);
        Path liveWriter = Files.write(dir.resolve("base.ckpt." + me + ".1234.tmp"), new byte[10]);   // a save in progress here
        Path oldLive = Files.write(dir.resolve("base.ckpt." + me + ".99.tmp"), new byte[10]);
        Files.setLastModifiedTime(oldLive, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Path other = Files.write(dir.resolve("other.ckpt." + gone.pid() + ".5.tmp"), new byte[10]);
        AtomicFile.write(f, out -> out.write(new byte[]{1}));
        assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
                "a saved result is an ordinary file, not a private temporary one");
        assertFalse(Files.exists(deadWriter), "its process is gone: removed at once");
        assertTrue(Files.exists(liveWriter), "a fresh file of a live process may be a save in progress");
        assertFalse(Files.exists(oldLive), "an hour-old one is stale whoever wrote it");
        assertTrue(Files.exists(other), "another file's temporaries are that file's business");
        try (var s = Files.list(dir)) {
            assertEquals(List.of("base.ckpt", "base.ckpt." + me + ".1234.tmp", "other.ckpt." + gone.pid() + ".5.tmp"),
                    s.map(p -> p.getFileName().toString()).sorted().toList(), "and the save left no temporary of its own");
        }
    }
}
