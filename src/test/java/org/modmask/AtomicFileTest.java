package org.modmask;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void theNextSaveRemovesTemporaryFilesAKilledProcessLeft(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("base.ckpt");
        Path stale = Files.write(dir.resolve("base.ckpt8431772.tmp"), new byte[1000]);
        Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        Path young = Files.write(dir.resolve("base.ckpt1234.tmp"), new byte[10]);      // another process's save in progress
        Path other = Files.write(dir.resolve("other.ckpt99.tmp"), new byte[10]);
        Files.setLastModifiedTime(other, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        AtomicFile.write(f, out -> out.write(new byte[]{1}));
        assertFalse(Files.exists(stale), "an hour-old temporary file of this name is gone");
        assertTrue(Files.exists(young), "a fresh one may be another save in progress");
        assertTrue(Files.exists(other), "another file's temporaries are that file's business");
    }
}
