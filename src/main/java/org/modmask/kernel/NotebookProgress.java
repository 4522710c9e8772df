package org.modmask.kernel;

import org.modmask.plot.Html;
import org.modmask.train.Progress;

import java.util.Map;

/** A progress bar drawn in the notebook and updated in place through a display id (at most 4 times a second). */
final class NotebookProgress implements Progress {
    private final String title;
    private final long total;
    private final String unit;
    private final long start = System.nanoTime();
    private long lastDraw;
    private long step;
    private Map<String, Double> figures = Map.of();
    private final String id;

    private NotebookProgress(String title, long total, String unit) {
        this.title = title;
        this.total = total;
        this.unit = unit;
        this.id = Display.display(bar(false));
    }

    static void install() {
        Progress.Factory.set((title, total, unit) -> Display.getKernelInstance() == null
                ? Progress.Factory.console(title, total, unit) : new NotebookProgress(title, total, unit));
    }

    @Override
    public void update(long step, Map<String, Double> figures) {
        this.step = step;
        this.figures = figures;
        long now = System.nanoTime();
        if (now - lastDraw > 250_000_000L) {
            lastDraw = now;
            Display.updateDisplay(id, bar(false));
        }
    }

    @Override
    public void close() {
        Display.updateDisplay(id, bar(true));
    }

    private Html bar(boolean done) {
        double secs = (System.nanoTime() - start) / 1e9;
        double rate = secs > 0 ? step / secs : 0;
        String line = Progress.line(title, step, total, figures, done ? 0 : rate, unit)
                + (done ? String.format("  done in %.1f s (%s)", secs, Progress.rate(rate, unit)) : "");
        String html = "<div style='font-family:monospace'><progress value='" + step + "' max='" + Math.max(1, total)
                + "' style='width:40%'></progress> " + Html.escape(line) + "</div>";
        return new Html(html, line);
    }
}
