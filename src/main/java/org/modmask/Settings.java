package org.modmask;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.*;
import java.util.zip.ZipEntry;

/**
 * Settings as saved with a result: a sorted map of names to exact values, its canonical text ({@code name=value}
 * lines in name order), and a SHA-256 digest of that text. A checkpoint or mask is reused only when the digest of the
 * settings that made it equals the current one; {@link #differences} says what changed when it does not.
 */
public final class Settings {
    /** The zip entry under which checkpoints and mask files keep their settings' canonical text. */
    public static final String ENTRY = "settings.txt";

    private Settings() {
    }

    /** {@code name=value} lines in name order. */
    public static String canonical(Map<String, String> settings) {
        StringBuilder s = new StringBuilder();
        for (var e : new TreeMap<>(settings).entrySet()) s.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        return s.toString();
    }

    /** Parses {@link #canonical} text back. */
    public static SortedMap<String, String> parse(String canonical) {
        SortedMap<String, String> m = new TreeMap<>();
        for (String line : canonical.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) m.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return m;
    }

    /** The SHA-256 of the canonical text, in hex. */
    public static String digest(Map<String, String> settings) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(canonical(settings).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** The first 16 hex digits (64 bits) of the digest: what file names carry. */
    public static String key(Map<String, String> settings) {
        return digest(settings).substring(0, 16);
    }

    /** What differs, e.g. {@code lr 0.003 → 0.001; steps (not set) → 20000}; empty when nothing does. */
    public static String differences(Map<String, String> was, Map<String, String> now) {
        SortedSet<String> names = new TreeSet<>(was.keySet());
        names.addAll(now.keySet());
        List<String> d = new ArrayList<>();
        for (String n : names) {
            String a = was.get(n), b = now.get(n);
            if (!Objects.equals(a, b)) d.add(n + " " + (a == null ? "(not set)" : a) + " → " + (b == null ? "(not set)" : b));
        }
        return String.join("; ", d);
    }

    /** The settings saved in a checkpoint or mask file ({@link #ENTRY}), or null when it has none (an older file). */
    public static SortedMap<String, String> read(Path file) throws IOException {
        return readEntry(file, ENTRY);
    }

    /** A {@code name=value} entry of a result's zip (settings, {@link Provenance} manifest), or null when it has none. */
    public static SortedMap<String, String> readEntry(Path file, String entry) throws IOException {
        try (java.util.zip.ZipFile zf = new java.util.zip.ZipFile(file.toFile())) {
            ZipEntry e = zf.getEntry(entry);
            if (e == null) return null;
            try (var in = new BufferedInputStream(zf.getInputStream(e))) {
                return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
    }

    /** Writes {@code map} as a {@code name=value} zip entry (nothing when it is null): settings and manifests alike. */
    public static void writeEntry(java.util.zip.ZipOutputStream zip, String entry, Map<String, String> map) throws IOException {
        if (map == null) return;
        zip.putNextEntry(new ZipEntry(entry));
        zip.write(canonical(map).getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
    }

    /** Properties as a sorted map of strings. */
    public static SortedMap<String, String> of(Properties p) {
        SortedMap<String, String> m = new TreeMap<>();
        for (String n : p.stringPropertyNames()) m.put(n, p.getProperty(n));
        return m;
    }
}
