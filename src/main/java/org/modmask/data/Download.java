package org.modmask.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Fetches a dataset file for users with a network: into a temporary file beside the target, checked against the
 * official MD5, then renamed, so a half-written or corrupt download never takes the file's name.
 */
public final class Download {
    private Download() {
    }

    /** {@code dir/name}, downloaded from {@code url} first when missing (checked against the official MD5). */
    public static Path file(Path dir, String name, String url, String md5) throws IOException {
        return file(dir, name, url, "MD5", md5);
    }

    /** The same with another digest ("SHA-256"). */
    public static Path file(Path dir, String name, String url, String algorithm, String digestHex) throws IOException {
        Path f = dir.resolve(name);
        if (Files.exists(f)) return f;
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, name, ".part");
        try {
            HttpResponse<InputStream> r = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build()
                    .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) throw new IOException("download of " + url + " answered HTTP " + r.statusCode());
            MessageDigest digest = MessageDigest.getInstance(algorithm);
            try (InputStream in = new DigestInputStream(r.body(), digest)) {
                Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            }
            String got = HexFormat.of().formatHex(digest.digest());
            if (digestHex != null && !got.equalsIgnoreCase(digestHex))
                throw new IOException("download of " + url + " has " + algorithm + " " + got + ", expected " + digestHex);
            Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE);
            return f;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("download of " + name + " interrupted", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new IOException(name + " is missing in " + dir + " and could not be downloaded (" + e.getMessage() + ")", e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
