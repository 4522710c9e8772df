package org.modmask;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.*;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * What made a saved result, kept beside its {@link Settings} in every checkpoint, mask and mask training state (the
 * zip entry {@link #ENTRY}): the code version, the preset, the machine and its threads, when the run started and
 * last saved, its wall time over all sittings, and the steps done. Unlike the settings it is not part of the digest:
 * a result made by other code is still reused, and {@link #describe} says so when it is loaded.
 */
public final class Provenance {
    /** The zip entry that holds the manifest ({@code name=value} lines, as {@link Settings#canonical}). */
    public static final String ENTRY = "provenance.txt";

    private static volatile String codeVersion;

    private final Instant started;
    private final double priorWall;
    private final int sittings;
    private final long t0 = System.nanoTime();

    private Provenance(Instant started, double priorWall, int sittings) {
        this.started = started;
        this.priorWall = priorWall;
        this.sittings = sittings;
    }

    /**
     * The clock of one sitting of a run: {@code prior} is the manifest of the state it resumes (null for a fresh run),
     * whose start time, wall time and sittings it carries on.
     */
    public static Provenance start(Map<String, String> prior) {
        if (prior == null) return new Provenance(Instant.now(), 0, 1);
        Instant s;
        try {
            s = Instant.parse(prior.getOrDefault("started", ""));
        } catch (RuntimeException e) {
            s = Instant.now();
        }
        return new Provenance(s, parse(prior.get("wall.seconds")), (int) parse(prior.get("sittings")) + 1);
    }

    /** The manifest to save now, after {@code steps} steps. */
    public SortedMap<String, String> manifest(long steps) {
        SortedMap<String, String> m = new TreeMap<>();
        m.put("code", codeVersion());
        m.put("preset", Preset.current().name().toLowerCase(Locale.ROOT));
        m.put("machine", host() + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.version"));
        m.put("threads", Integer.toString(Threads.current()));
        m.put("started", started.toString());
        m.put("ended", Instant.now().toString());
        m.put("wall.seconds", String.format(Locale.ROOT, "%.1f", priorWall + (System.nanoTime() - t0) / 1e9));
        m.put("sittings", Integer.toString(sittings));
        m.put("steps", Long.toString(steps));
        return m;
    }

    /** The manifest saved in a checkpoint or mask file, or null when it has none (a file from before manifests). */
    public static SortedMap<String, String> read(Path file) throws IOException {
        return Settings.readEntry(file, ENTRY);
    }

    /** {@link #read}, or null when the file cannot be read: for messages that must not fail. */
    public static SortedMap<String, String> readQuietly(Path file) {
        try {
            return read(file);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * One line for a loaded result, e.g. {@code trained 2026-12-07 05:24 UTC in 1 h 12 min over 2 sittings (20,000
     * steps, 2 threads, code 0.1.0-SNAPSHOT git 5477b0c)}, with "by older code" when its code differs from this one's.
     */
    public static String describe(Map<String, String> m) {
        if (m == null) return "made before results carried a manifest (when and by which code unknown)";
        StringBuilder s = new StringBuilder("trained ");
        try {
            s.append(DAY.format(Instant.parse(m.get("ended"))));
        } catch (RuntimeException e) {
            s.append("at an unknown time");
        }
        s.append(" in ").append(duration(parse(m.get("wall.seconds"))));
        int sit = (int) parse(m.get("sittings"));
        if (sit > 1) s.append(" over ").append(sit).append(" sittings");
        s.append(" (");
        if (m.containsKey("steps")) s.append(String.format(Locale.ROOT, "%,d steps, ", (long) parse(m.get("steps"))));
        String threads = m.getOrDefault("threads", "?");
        s.append(threads).append(threads.equals("1") ? " thread, " : " threads, ").append(m.getOrDefault("preset", "?")).append(" preset, code ")
                .append(m.getOrDefault("code", "?"));
        if (!Objects.equals(m.get("code"), codeVersion())) s.append(", not this code: ").append(codeVersion());
        return s.append(')').toString();
    }

    /** 42 s, 3 min 5 s, 1 h 12 min. */
    public static String duration(double seconds) {
        if (Double.isNaN(seconds)) return "an unknown time";
        long s = Math.round(seconds);
        if (s < 60) return s + " s";
        if (s < 3600) return (s / 60) + " min " + (s % 60) + " s";
        return (s / 3600) + " h " + (s % 3600) / 60 + " min";
    }

    /**
     * This code's version: the project version, the git commit of the checkout it was built in (when it runs from
     * one), and a digest of the modmask classes, e.g. {@code 0.1.0-SNAPSHOT git 5477b0c classes 3f2a9c1d}. The digest
     * tells two builds apart even without git; it covers the class files' bytes, not their timestamps.
     */
    public static String codeVersion() {
        String v = codeVersion;
        if (v == null) codeVersion = v = computeCodeVersion();
        return v;
    }

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** A manifest's number, NaN when absent or unreadable. */
    static double parse(String s) {
        if (s == null) return Double.NaN;
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static String host() {
        String h = System.getenv("HOSTNAME");
        if (h == null || h.isBlank()) {
            try {
                h = java.net.InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                h = "unknown host";
            }
        }
        return h;
    }

    private static String computeCodeVersion() {
        StringBuilder v = new StringBuilder();
        String pv = Provenance.class.getPackage().getImplementationVersion();
        v.append(pv != null ? pv : "dev");
        try {
            Path where = Path.of(Provenance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            String git = gitCommit(where);
            if (git != null) v.append(" git ").append(git, 0, 7);
            String classes = classesDigest(where);
            if (classes != null) v.append(" classes ").append(classes);
        } catch (URISyntaxException | RuntimeException | IOException e) {
            // the version stays without its digest: a manifest must never stop a run
        }
        return v.toString();
    }

    /** The commit that HEAD names in the git checkout holding {@code where}, or null. */
    static String gitCommit(Path where) throws IOException {
        for (Path d = where.toAbsolutePath(); d != null; d = d.getParent()) {
            Path git = d.resolve(".git");
            if (!Files.isDirectory(git)) continue;
            String head = Files.readString(git.resolve("HEAD")).trim();
            if (!head.startsWith("ref: ")) return head.matches("[0-9a-f]{40}") ? head : null;
            String ref = head.substring(5);
            Path loose = git.resolve(ref);
            if (Files.exists(loose)) return Files.readString(loose).trim();
            Path packed = git.resolve("packed-refs");
            if (Files.exists(packed))
                for (String line : Files.readAllLines(packed))
                    if (line.endsWith(" " + ref)) return line.substring(0, line.indexOf(' '));
            return null;
        }
        return null;
    }

    /** SHA-256 over the sorted names and bytes of the org/modmask class files (a folder or a jar), first 8 hex digits. */
    static String classesDigest(Path where) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            if (Files.isDirectory(where)) {
                Path root = where.resolve("org/modmask");
                if (!Files.isDirectory(root)) return null;
                List<Path> files;
                try (var w = Files.walk(root)) {
                    files = w.filter(p -> p.toString().endsWith(".class")).sorted().toList();
                }
                for (Path f : files) {
                    md.update(where.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                    md.update(Files.readAllBytes(f));
                }
            } else {
                try (ZipFile jar = new ZipFile(where.toFile())) {
                    List<? extends ZipEntry> entries = Collections.list(jar.entries()).stream()
                            .filter(e -> e.getName().startsWith("org/modmask/") && e.getName().endsWith(".class"))
                            .sorted(Comparator.comparing(ZipEntry::getName)).toList();
                    for (ZipEntry e : entries) {
                        md.update(e.getName().getBytes(StandardCharsets.UTF_8));
                        try (InputStream in = jar.getInputStream(e)) {
                            md.update(in.readAllBytes());
                        }
                    }
                }
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            return null;
        }
    }
}
