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

    /** The results directory of one experiment in the current preset, e.g. {@code results/addmul-quick}. */
    public static Path results(String experiment) {
        return setting("MODMASK_RESULTS", "results").resolve(experiment + "-" + Preset.current().name().toLowerCase());
    }

    private static Path setting(String name, String sub) {
        String v = System.getProperty(name, System.getenv(name));
        if (v != null && !v.isBlank()) return Path.of(v);
        return Path.of(System.getProperty("user.home"), ".cache", "modmask", sub);
    }
}
