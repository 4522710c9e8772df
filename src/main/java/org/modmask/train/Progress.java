package org.modmask.train;

import java.util.Locale;
import java.util.Map;

/**
 * Progress of a long loop (training, mask training, a sweep). In a notebook the kernel installs a factory
 * that draws one bar updated in place; elsewhere a line is printed every few seconds.
 */
public interface Progress extends AutoCloseable {
    /** Called after each step with the latest figures (loss, accuracy, ...). */
    void update(long step, Map<String, Double> figures);

    /** Called once when the loop ends (normally or not). */
    @Override
    void close();

    /** Makes a reporter for a loop of {@code total} steps, each counted as one {@code unit} ("step", "run"). */
    @FunctionalInterface
    interface Maker {
        Progress make(String title, long total, String unit);
    }

    /** Where new progress reporters come from. */
    final class Factory {
        private static volatile Maker factory = ConsoleProgress::new;
        private static volatile boolean quiet = false;

        private Factory() {
        }

        public static void set(Maker f) {
            factory = f;
        }

        /** Silences every progress report (tests, batch jobs). */
        public static void quiet(boolean q) {
            quiet = q;
        }

        /** The plain console reporter (a line every few seconds on standard error). */
        public static Progress console(String title, long total, String unit) {
            return new ConsoleProgress(title, total, unit);
        }

        /** A reporter for {@code total} steps. */
        public static Progress start(String title, long total) {
            return start(title, total, "step");
        }

        /** A reporter for {@code total} items of {@code unit} (a sweep counts runs: "run"). */
        public static Progress start(String title, long total, String unit) {
            if (quiet) return new Progress() {
                public void update(long step, Map<String, Double> figures) {
                }

                public void close() {
                }
            };
            return factory.make(title, total, unit);
        }
    }

    /** Formats the figures, the rate and the time left as one line. */
    static String line(String title, long step, long total, Map<String, Double> figures, double stepsPerSecond, String unit) {
        StringBuilder s = new StringBuilder();
        s.append(title).append(": ").append(step).append('/').append(total);
        figures.forEach((k, v) -> s.append("  ").append(k).append('=').append(format(v)));
        if (stepsPerSecond > 0) {
            s.append("  ").append(rate(stepsPerSecond, unit));
            long left = (long) ((total - step) / stepsPerSecond);
            s.append(String.format("  ETA %d:%02d", left / 60, left % 60));
        }
        return s.toString();
    }

    /** "12.5 steps/s", or for slow items (a sweep's runs) "2.5 min per run". */
    static String rate(double perSecond, String unit) {
        if (!(perSecond > 0)) return "0 " + unit + "s/s";
        if (perSecond >= 0.5) return String.format(Locale.ROOT, "%.1f %ss/s", perSecond, unit);
        double secs = 1 / perSecond;
        return secs < 120 ? String.format(Locale.ROOT, "%.1f s per %s", secs, unit) : String.format(Locale.ROOT, "%.1f min per %s", secs / 60, unit);
    }

    static String format(double v) {
        if (v == 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5)) return String.format("%.4f", v);
        return String.format("%.3e", v);
    }
}
