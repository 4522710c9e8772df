package org.modmask.train;

import java.util.Map;

/** Progress as a line on standard error at most every 5 seconds, and a final line. */
final class ConsoleProgress implements Progress {
    private final String title;
    private final long total;
    private final String unit;
    private final long start = System.nanoTime();
    private long lastPrint = System.nanoTime();
    private long step;
    private Map<String, Double> figures = Map.of();

    ConsoleProgress(String title, long total, String unit) {
        this.title = title;
        this.total = total;
        this.unit = unit;
    }

    @Override
    public void update(long step, Map<String, Double> figures) {
        this.step = step;
        this.figures = figures;
        long now = System.nanoTime();
        if (now - lastPrint > 5_000_000_000L) {
            lastPrint = now;
            System.err.println(Progress.line(title, step, total, figures, rate(now), unit));
        }
    }

    private double rate(long now) {
        double s = (now - start) / 1e9;
        return s > 0 ? step / s : 0;
    }

    @Override
    public void close() {
        if ((System.nanoTime() - start) > 5_000_000_000L)
            System.err.println(Progress.line(title, step, total, figures, rate(System.nanoTime()), unit) + "  done");
    }
}
