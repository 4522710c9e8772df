package org.modmask.data;

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPInputStream;

/** Unpacks regular files of a (gzip'd) tar archive: those under one folder flat into a directory, or those a function names. */
final class Tar {
    private Tar() {
    }

    static void extract(Path archive, Path dir, String prefix) throws IOException {
        extract(archive, name -> {
            String base = name.startsWith(prefix) ? name.substring(prefix.length()) : null;
            // only plain files straight under the folder: no paths that could leave the directory
            return base != null && !base.isEmpty() && !base.contains("/") && !base.startsWith(".") ? dir.resolve(base) : null;
        });
    }

    /** Unpacks each regular file for which {@code target} names a destination (null skips it); folders are created. */
    static void extract(Path archive, java.util.function.Function<String, Path> target) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive));
             DataInputStream in = new DataInputStream(archive.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw)) {
            byte[] header = new byte[512];
            while (true) {
                in.readFully(header);
                if (header[0] == 0) return;                          // end-of-archive block
                String name = field(header, 0, 100);
                String ustarPrefix = field(header, 257, 5).equals("ustar") ? field(header, 345, 155) : "";
                if (!ustarPrefix.isEmpty()) name = ustarPrefix + "/" + name;   // long paths are split in two fields
                if (name.startsWith("./")) name = name.substring(2);
                long size = Long.parseLong(field(header, 124, 12).trim(), 8);
                char type = (char) header[156];
                long padded = (size + 511) / 512 * 512;
                Path to = type == '0' || type == 0 ? target.apply(name) : null;
                if (to != null) {
                    Files.createDirectories(to.getParent());
                    Path tmp = Files.createTempFile(to.getParent(), to.getFileName().toString(), ".part");
                    try (OutputStream out = Files.newOutputStream(tmp)) {
                        copy(in, out, size);
                    }
                    Files.move(tmp, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    in.skipNBytes(padded - size);
                } else in.skipNBytes(padded);
            }
        }
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) end++;
        return new String(h, off, end - off, StandardCharsets.US_ASCII);
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[1 << 16];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) throw new EOFException("archive ends inside a file");
            out.write(buf, 0, r);
            n -= r;
        }
    }
}
