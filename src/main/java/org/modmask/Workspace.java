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

    /**
     * The saved results under a results folder (e.g. {@code Workspace.results("addmul")}), one row per file:
     * its path, kind (base network, mask, mask training state), status ({@code complete}, {@code partial},
     * {@code older code}: made by another code version, {@code no manifest}: made before manifests, {@code damaged}),
     * steps, when it was last saved, its wall time over all sittings, the code that made it, and its size.
     */
    public static tech.tablesaw.api.Table runs(Path dir) {
        var t = tech.tablesaw.api.Table.create("saved results in " + dir,
                tech.tablesaw.api.StringColumn.create("file"), tech.tablesaw.api.StringColumn.create("kind"),
                tech.tablesaw.api.StringColumn.create("status"), tech.tablesaw.api.LongColumn.create("steps"),
                tech.tablesaw.api.StringColumn.create("saved"), tech.tablesaw.api.StringColumn.create("wall time"),
                tech.tablesaw.api.StringColumn.create("code"), tech.tablesaw.api.DoubleColumn.create("MB"));
        if (dir == null || !java.nio.file.Files.isDirectory(dir)) return t;
        java.util.List<Path> files;
        try (var w = java.nio.file.Files.walk(dir)) {
            files = w.filter(java.nio.file.Files::isRegularFile).filter(f -> kind(f) != null).sorted().toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot list " + dir, e);
        }
        for (Path f : files) {
            java.util.Map<String, String> m = null, settings = null;
            String status;
            if (f.getFileName().toString().endsWith(".damaged")) status = "damaged";
            else {
                try {
                    m = Provenance.read(f);
                    settings = Settings.read(f);
                    status = status(f, m, settings);
                } catch (java.io.IOException | RuntimeException e) {
                    status = "damaged";
                }
            }
            t.stringColumn("file").append(dir.relativize(f).toString());
            t.stringColumn("kind").append(kind(f));
            t.stringColumn("status").append(status);
            String steps = m != null ? m.get("steps") : null;
            if (steps != null) t.longColumn("steps").append(Long.parseLong(steps));
            else t.longColumn("steps").appendMissing();
            t.stringColumn("saved").append(savedAt(f));
            t.stringColumn("wall time").append(m == null ? "" : Provenance.duration(Provenance.parse(m.get("wall.seconds"))));
            t.stringColumn("code").append(m == null ? "" : m.getOrDefault("code", ""));
            long bytes;
            try {
                bytes = java.nio.file.Files.size(f);
            } catch (java.io.IOException e) {
                bytes = 0;
            }
            t.doubleColumn("MB").append(Math.round(bytes / 1e4) / 100.0);
        }
        return t;
    }

    /**
     * Removes the saved results under {@code dir} whose {@link #runs} status is one of {@code statuses} (e.g.
     * {@code "partial"}, {@code "older code"}, {@code "damaged"}) and returns the files removed.
     */
    public static java.util.List<Path> remove(Path dir, String... statuses) {
        var wanted = java.util.Set.of(statuses);
        for (String s : statuses)
            if (!java.util.Set.of("complete", "partial", "older code", "no manifest", "damaged").contains(s))
                throw new IllegalArgumentException("unknown status '" + s + "': use complete, partial, older code, no manifest or damaged");
        var t = runs(dir);
        java.util.List<Path> removed = new java.util.ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) {
            if (!wanted.contains(t.stringColumn("status").get(r))) continue;
            Path f = dir.resolve(t.stringColumn("file").get(r));
            try {
                if (java.nio.file.Files.deleteIfExists(f)) removed.add(f);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException("cannot remove " + f, e);
            }
        }
        return removed;
    }

    private static String kind(Path f) {
        String n = f.getFileName().toString();
        if (n.endsWith(".damaged")) n = n.substring(0, n.length() - ".damaged".length());
        if (n.endsWith(".ckpt")) return "network";
        if (n.endsWith(".ckpt.best")) return "network, best weights";
        if (n.endsWith(".mask")) return "mask";
        if (n.endsWith(".mask.partial") || n.endsWith(".partial")) return "mask training state";
        if (n.endsWith(".mask.state")) return "finished mask's state (to extend it)";
        return null;
    }

    private static String status(Path f, java.util.Map<String, String> m, java.util.Map<String, String> settings) {
        String n = f.getFileName().toString();
        // a network or training state is partial while its manifest's steps fall short of its settings' steps
        boolean partial = n.endsWith(".partial");
        if ((partial || n.endsWith(".ckpt")) && m != null && settings != null && settings.containsKey("steps") && m.containsKey("steps"))
            partial = Long.parseLong(m.get("steps")) < Long.parseLong(settings.get("steps"));
        if (partial) return "partial";
        if (m == null) return "no manifest";
        return java.util.Objects.equals(m.get("code"), Provenance.codeVersion()) ? "complete" : "older code";
    }
}
