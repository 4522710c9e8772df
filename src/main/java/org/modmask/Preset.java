package org.modmask;

import java.util.Locale;

/**
 * How big an experiment runs: {@code SMOKE} (seconds; CI runs every notebook this way), {@code QUICK} (minutes
 * on 2 CPU cores, still shows the finding) or {@code PAPER} (the paper's sizes). Chosen by the environment
 * variable or system property {@code MODMASK_PRESET}; QUICK by default.
 * <pre>{@code
 * var P = Preset.current();
 * long steps = P.pick(50, 3_000, 20_000);
 * }</pre>
 */
public enum Preset {
    SMOKE, QUICK, PAPER;

    private static final ThreadLocal<Preset> RUNNING = new ThreadLocal<>();

    public static Preset current() {
        if (RUNNING.get() != null) return RUNNING.get();
        String v = System.getProperty("MODMASK_PRESET", System.getenv("MODMASK_PRESET"));
        if (v == null || v.isBlank()) return QUICK;
        return named(v, "MODMASK_PRESET");
    }

    /** The preset called {@code name} (smoke, quick or paper, any case); {@code source} names where it came from in errors. */
    public static Preset named(String name, String source) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " is '" + name + "'; expected smoke, quick or paper");
        }
    }

    /**
     * Does {@code work} with this preset as {@link #current()} on this thread: a sweep task whose settings name a
     * preset runs in it, so that its checkpoints' manifests name that preset, not the environment's.
     */
    public <T> T during(java.util.concurrent.Callable<T> work) throws Exception {
        Preset was = RUNNING.get();
        RUNNING.set(this);
        try {
            return work.call();
        } finally {
            RUNNING.set(was);
        }
    }

    /** The value for this preset. */
    public <T> T pick(T smoke, T quick, T paper) {
        return switch (this) {
            case SMOKE -> smoke;
            case QUICK -> quick;
            case PAPER -> paper;
        };
    }

    public long pick(long smoke, long quick, long paper) {
        return this == SMOKE ? smoke : this == QUICK ? quick : paper;
    }

    public int pick(int smoke, int quick, int paper) {
        return this == SMOKE ? smoke : this == QUICK ? quick : paper;
    }
}
