package org.modmask;

import java.nio.file.Path;

/**
 * Where modmask keeps files: data ({@code MODMASK_DATA}, default {@code ~/.cache/modmask/data}) and experiment
 * results such as checkpoints and masks ({@code MODMASK_RESULTS}, default {@code ~/.cache/modmask/results}).
 * Each is read from a system property first, then the environment.
 */
public final class Workspace {
    private Workspace() {
    }

    public static Path data() {
        return setting("MODMASK_DATA", "data");
    }

    /**
     * The results directory of one experiment in the current preset, e.g. {@code results/addmul-quick}, created and
     * checked for writing now, before any training: a read-only folder would otherwise fail at the first save, after
     * the work is done. The name is one plain folder name: no separators, no "..".
     */
    public static Path results(String experiment) {
        if (experiment == null || experiment.isBlank() || !experiment.matches("[\\p{L}\\p{N}._+-]+") || experiment.contains(".."))
            throw new IllegalArgumentException("a results name is one folder name (letters, digits, '.', '_', '+', '-'), got '" + experiment + "'");
        Path root = setting("MODMASK_RESULTS", "results");
        return writable(root.resolve(experiment + "-" + Preset.current().name().toLowerCase()), "set MODMASK_RESULTS to a writable folder");
    }

    /**
     * Creates a folder if needed and checks that a file can be written in it, before any work whose result would go
     * there; {@code advice} ends the message.
     */
    public static Path writable(Path dir, String advice) {
        try {
            java.nio.file.Files.createDirectories(dir);
            Path probe = java.nio.file.Files.createTempFile(dir, ".write-check", ".tmp");
            java.nio.file.Files.delete(probe);
        } catch (java.io.IOException | SecurityException e) {
            throw new IllegalStateException("the folder " + dir.toAbsolutePath() + " cannot be written (" + e + "): " + advice, e);
        }
        return dir;
    }

    /**
     * Why the saved files beside a result were not reused: for each file in {@code dir} whose name starts with
     * {@code prefix} and ends with {@code suffix} (the same kind of result, e.g. the base network of this architecture),
     * the settings that differ from {@code current}, e.g. {@code base-…-3f2a.ckpt: lr 0.003 → 0.001}.
     */
    public static java.util.List<String> whyNotReused(Path dir, String prefix, String suffix, java.util.Map<String, String> current) {
        java.util.List<String> why = new java.util.ArrayList<>();
        if (dir == null || !java.nio.file.Files.isDirectory(dir)) return why;
        try (var files = java.nio.file.Files.list(dir)) {
            for (Path f : files.sorted().toList()) {
                String n = f.getFileName().toString();
                if (!n.startsWith(prefix) || !n.endsWith(suffix)) continue;
                java.util.Map<String, String> saved;
                try {
                    saved = Settings.read(f);
                } catch (java.io.IOException e) {
                    why.add(n + ": unreadable (" + e.getMessage() + ")");
                    continue;
                }
                if (saved == null) why.add(n + ": saved without its settings (an older file)");
                else {
                    String d = Settings.differences(saved, current);
                    if (!d.isEmpty()) why.add(n + ": " + d);
                }
            }
        } catch (java.io.IOException e) {
            why.add(dir + ": unreadable (" + e.getMessage() + ")");
        }
        return why;
    }

    private static Path setting(String name, String sub) {
        String v = System.getProperty(name, System.getenv(name));
        if (v != null && !v.isBlank()) return Path.of(v);
        return Path.of(System.getProperty("user.home"), ".cache", "modmask", sub);
    }

    /** When a result file was written, as "yyyy-MM-dd HH:mm UTC" (for the lines that say a result was loaded). */
    public static String savedAt(Path file) {
        try {
            return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(java.time.ZoneOffset.UTC)
                    .format(java.nio.file.Files.getLastModifiedTime(file).toInstant());
        } catch (java.io.IOException e) {
            return "at an unknown time";
        }
    }
}
