package org.modmask.train;

import java.util.Map;
import java.util.function.BiFunction;

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

    /** Where new progress reporters come from: (title, total steps) → reporter. */
    final class Factory {
        private static volatile BiFunction<String, Long, Progress> factory = ConsoleProgress::new;
        private static volatile boolean quiet = false;

        private Factory() {
        }

        public static void set(BiFunction<String, Long, Progress> f) {
            factory = f;
        }

        /** Silences every progress report (tests, batch jobs). */
        public static void quiet(boolean q) {
            quiet = q;
        }

        /** The plain console reporter (a line every few seconds on standard error). */
        public static Progress console(String title, long total) {
            return new ConsoleProgress(title, total);
        }

        public static Progress start(String title, long total) {
            if (quiet) return new Progress() {
                public void update(long step, Map<String, Double> figures) {
                }

                public void close() {
                }
            };
            return factory.apply(title, total);
        }
    }

    /** Formats the figures, steps/s and the time left as one line. */
    static String line(String title, long step, long total, Map<String, Double> figures, double stepsPerSecond) {
        StringBuilder s = new StringBuilder();
        s.append(title).append(": ").append(step).append('/').append(total);
        figures.forEach((k, v) -> s.append("  ").append(k).append('=').append(format(v)));
        if (stepsPerSecond > 0) {
            s.append(String.format("  %.1f steps/s", stepsPerSecond));
            long left = (long) ((total - step) / stepsPerSecond);
            s.append(String.format("  ETA %d:%02d", left / 60, left % 60));
        }
        return s.toString();
    }

    static String format(double v) {
        if (v == 0 || (Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5)) return String.format("%.4f", v);
        return String.format("%.3e", v);
    }
}
