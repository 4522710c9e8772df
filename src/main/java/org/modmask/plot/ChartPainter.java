package org.modmask.plot;

import java.awt.*;
import java.awt.geom.Line2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

/** Draws a {@link Chart} as a PNG with plain Java2D (works headless). */
final class ChartPainter {
    private static final Color[] PALETTE = {new Color(31, 119, 180), new Color(255, 127, 14), new Color(44, 160, 44),
            new Color(214, 39, 40), new Color(148, 103, 189), new Color(140, 86, 75), new Color(227, 119, 194),
            new Color(127, 127, 127), new Color(188, 189, 34), new Color(23, 190, 207)};
    private final Chart c;
    private Graphics2D g;
    private int left = 70, right = 20, top = 40, bottom = 60;
    private double lo, hi;

    ChartPainter(Chart c) {
        this.c = c;
    }

    BufferedImage paint() {
        BufferedImage img = new BufferedImage(c.width, c.height, BufferedImage.TYPE_INT_RGB);
        g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, c.width, c.height);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        if (c.kind != Chart.Kind.HEATMAP && c.series.size() > 1) right = 150;
        if (c.kind == Chart.Kind.BAR) {               // room for wrapped category labels
            int lines = 1;
            for (String cat : c.categories) lines = Math.max(lines, wrap(cat, labelChars()).size());
            bottom = 60 + 14 * (lines - 1);
        }
        if (c.kind == Chart.Kind.HEATMAP) {           // room for the longest row label and the colour bar's numbers
            right = 90;
            int widest = 0;
            if (c.rowLabels.size() <= 40) for (String r : c.rowLabels) widest = Math.max(widest, g.getFontMetrics().stringWidth(r));
            left = Math.max(40, Math.min(c.width / 3, widest + 14));
            if (c.categories.size() <= 40) {
                int widestCol = 0;
                for (String col : c.categories) widestCol = Math.max(widestCol, g.getFontMetrics().stringWidth(col));
                if (widestCol > (c.width - left - right) / Math.max(1, c.categories.size()) - 4) bottom = Math.min(c.height / 3, widestCol + 20);
            }
        }
        // the title starts above the plot area; a long one (beside wide row labels) moves left, then wraps
        g.setFont(g.getFont().deriveFont(Font.BOLD, 14f));
        var fm = g.getFontMetrics();
        List<String> title = titleLines(fm, c.title, c.width - 20);
        int titleX = title.size() == 1 && fm.stringWidth(c.title) <= c.width - left - 10 ? left : 10;
        top += fm.getHeight() * (title.size() - 1);
        if (c.kind == Chart.Kind.HEATMAP && c.z.length == c.z[0].length) {    // a units × units matrix: square cells
            if (pw() > ph()) right += pw() - ph();
            else bottom += ph() - pw();
        }
        g.setColor(Color.BLACK);
        for (int i = 0; i < title.size(); i++) g.drawString(title.get(i), titleX, 24 + i * fm.getHeight());
        g.setFont(g.getFont().deriveFont(Font.PLAIN, 12f));
        if (c.kind == Chart.Kind.HEATMAP) heatmap();
        else {
            range();
            axes();
            if (c.kind == Chart.Kind.BAR) bars();
            else lines();
            legend();
        }
        g.dispose();
        return img;
    }

    private int pw() {
        return c.width - left - right;
    }

    private int ph() {
        return c.height - top - bottom;
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code raw}: ticks a person reads at a glance. */
    static double niceStep(double raw) {
        if (!(raw > 0) || !Double.isFinite(raw)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[]{1, 2, 2.5, 5, 10}) if (m * p >= raw * (1 - 1e-9)) return m * p;
        return 10 * p;
    }

    /** A tick label with only the decimals the step needs; thousands as "k", millions as "M". */
    static String tick(double v, double step) {
        if (Math.abs(v) < step * 1e-6) return "0";
        String unit = "";
        if (step >= 1e6) {
            v /= 1e6;
            step /= 1e6;
            unit = "M";
        } else if (step >= 1e3) {
            v /= 1e3;
            step /= 1e3;
            unit = "k";
        }
        int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
        if (Math.abs(step * Math.pow(10, decimals) - Math.rint(step * Math.pow(10, decimals))) > 1e-6) decimals++;
        return String.format(java.util.Locale.ROOT, "%." + decimals + "f", v) + unit;
    }

    private double y(double v) {
        return top + ph() * (1 - (ty(v) - lo) / (hi - lo));
    }

    /** A y value on the axis' scale: log₁₀ on a log axis (NaN for values ≤ 0, which are not drawn). */
    private double ty(double v) {
        return c.logY ? (v > 0 ? Math.log10(v) : Double.NaN) : v;
    }

    private double tx(double v) {
        return c.logX ? (v > 0 ? Math.log10(v) : Double.NaN) : v;
    }

    /** Ticks of a log axis spanning [lo, hi] in log₁₀ units: powers of ten, and 2 and 5 times them when it spans under two decades. */
    static List<Double> logTicks(double lo, double hi) {
        List<Double> t = new java.util.ArrayList<>();
        boolean fine = hi - lo < 2;
        for (int k = (int) Math.floor(lo); k <= (int) Math.ceil(hi); k++)
            for (double m : fine ? new double[]{1, 2, 5} : new double[]{1}) {
                double v = m * Math.pow(10, k), l = Math.log10(v);
                if (l >= lo - 1e-9 && l <= hi + 1e-9) t.add(v);
            }
        return t;
    }

    /** A log-axis tick label: 0.01, 1, 500, 20k, or 1e-5 beyond. */
    static String logTick(double v) {
        int k = (int) Math.floor(Math.log10(v) + 1e-9);
        if (k >= -3 && k < 3) return Html.format(v);
        if (k >= 3 && k < 6) return Html.format(v / 1e3) + "k";
        double m = Math.round(v / Math.pow(10, k));
        return (m == 1 ? "" : (long) m + "×") + "1e" + k;
    }

    private void range() {
        double mn = Double.POSITIVE_INFINITY, mx = Double.NEGATIVE_INFINITY;
        for (Map.Entry<String, double[]> e : c.series.entrySet()) {
            double[] err = c.errors.get(e.getKey());
            for (int i = 0; i < e.getValue().length; i++) {
                double v = e.getValue()[i], d = err == null ? 0 : err[i];
                double a = c.logY ? ty(v) : v - d, b = c.logY ? ty(v + d) : v + d;
                if (Double.isFinite(a) && Double.isFinite(b)) {
                    mn = Math.min(mn, a);
                    mx = Math.max(mx, b);
                }
            }
        }
        if (!Double.isFinite(mn)) {
            mn = 0;
            mx = 1;
        }
        if (c.kind == Chart.Kind.BAR && !c.logY) {
            mn = Math.min(0, mn);
            mx = Math.max(0, mx);
        }
        if (mx == mn) mx = mn + 1;
        double pad = (mx - mn) * 0.05;
        // bars on a log axis rise from the decade below the smallest value, so that the smallest bar is seen
        lo = c.yMin != null ? ty(c.yMin) : c.kind == Chart.Kind.BAR && c.logY ? Math.floor(mn)
                : (c.kind == Chart.Kind.BAR && mn >= 0 && !c.logY ? 0 : mn - pad);
        hi = c.yMax != null ? ty(c.yMax) : mx + pad;
    }

    private void axes() {
        double step = niceStep((hi - lo) / 5);
        List<Double> ticks = new java.util.ArrayList<>();
        if (c.logY) ticks = logTicks(lo, hi);
        else for (double v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step) ticks.add(v);
        for (double v : ticks) {
            int yy = (int) y(v);
            g.setColor(new Color(230, 230, 230));
            g.drawLine(left, yy, left + pw(), yy);
            g.setColor(Color.DARK_GRAY);
            String s = c.logY ? logTick(v) : tick(v, step);
            g.drawString(s, left - 8 - g.getFontMetrics().stringWidth(s), yy + 4);
        }
        g.setColor(Color.DARK_GRAY);
        g.drawLine(left, top, left, top + ph());
        g.drawLine(left, top + ph(), left + pw(), top + ph());
        drawCentered(c.xLabel, left + pw() / 2, c.height - 12);
        Graphics2D r = (Graphics2D) g.create();
        r.rotate(-Math.PI / 2);
        String yl = c.yLabel;
        r.drawString(yl, -(top + ph() / 2) - r.getFontMetrics().stringWidth(yl) / 2, 16);
        r.dispose();
    }

    private void bars() {
        List<String> cats = c.categories;
        int n = cats.size(), k = c.series.size();
        double slot = (double) pw() / n, bw = slot * 0.8 / k;
        int si = 0;
        for (Map.Entry<String, double[]> e : c.series.entrySet()) {
            g.setColor(PALETTE[si % PALETTE.length]);
            double[] err = c.errors.get(e.getKey());
            for (int i = 0; i < n; i++) {
                double v = e.getValue()[i];
                if (!Double.isFinite(ty(v))) continue;
                double base = c.logY ? Math.pow(10, lo) : Math.max(lo, 0);   // a log axis has no 0: bars rise from its bottom
                double x0 = left + slot * i + slot * 0.1 + bw * si;
                double y0 = y(Math.max(v, base)), y1 = y(Math.min(v, base));
                g.fill(new Rectangle2D.Double(x0, Math.min(y0, y1), bw - 1, Math.abs(y1 - y0)));
                if (err != null) {
                    g.setColor(Color.BLACK);
                    double xm = x0 + bw / 2;
                    g.draw(new Line2D.Double(xm, y(v - err[i]), xm, y(v + err[i])));
                    g.setColor(PALETTE[si % PALETTE.length]);
                }
            }
            si++;
        }
        g.setColor(Color.DARK_GRAY);
        int every = Math.max(1, (int) Math.ceil(n / (pw() / 60.0)));
        for (int i = 0; i < n; i += every) {
            List<String> lines = wrap(cats.get(i), labelChars());
            for (int l = 0; l < lines.size(); l++) drawCentered(lines.get(l), (int) (left + slot * (i + 0.5)), top + ph() + 16 + 14 * l);
        }
    }

    /** How many characters of a category label fit under one bar group (about 7 px a character). */
    private int labelChars() {
        int n = Math.max(1, c.categories.size());
        int every = Math.max(1, (int) Math.ceil(n / (pw() / 60.0)));
        return Math.max(8, (int) (pw() / (double) n * every / 7));
    }

    /** A title in lines no wider than {@code width} pixels, broken at spaces (a single over-long word stays whole). */
    static List<String> titleLines(java.awt.FontMetrics fm, String title, int width) {
        List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : title.split(" ")) {
            if (line.length() > 0 && fm.stringWidth(line + " " + word) > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            if (line.length() > 0) line.append(' ');
            line.append(word);
        }
        lines.add(line.toString());
        return lines;
    }

    /**
     * A label in lines of at most {@code max} characters, broken after '.', '-', '_', ',' or a space where it can,
     * else inside a word; at most four lines, so only a very long label loses its end (marked "…").
     */
    static List<String> wrap(String s, int max) {
        List<String> lines = new java.util.ArrayList<>();
        String rest = s;
        while (rest.length() > max && lines.size() < 3) {
            int cut = -1;
            for (int i = Math.min(max, rest.length()) - 1; i > 0; i--)
                if (".-_, ".indexOf(rest.charAt(i)) >= 0) {
                    cut = i + 1;
                    break;
                }
            if (cut <= 0) cut = max;
            lines.add(rest.substring(0, cut).strip());
            rest = rest.substring(cut);
        }
        lines.add(rest.length() > max ? rest.substring(0, max - 1) + "…" : rest.strip());
        return lines;
    }

    private void lines() {
        double xmin = Double.POSITIVE_INFINITY, xmax = Double.NEGATIVE_INFINITY;
        for (double x : c.xs) {
            if (!Double.isFinite(tx(x))) continue;
            xmin = Math.min(xmin, tx(x));
            xmax = Math.max(xmax, tx(x));
        }
        if (!Double.isFinite(xmin)) {
            xmin = 0;
            xmax = 1;
        }
        if (xmax == xmin) xmax = xmin + 1;
        final double x0 = xmin, x1 = xmax;
        java.util.function.DoubleUnaryOperator px = x -> left + pw() * (tx(x) - x0) / (x1 - x0);
        int si = 0;
        for (Map.Entry<String, double[]> e : c.series.entrySet()) {
            double[] v = e.getValue(), err = c.errors.get(e.getKey());
            boolean thin = c.thin.contains(e.getKey()), dashed = c.dashed.contains(e.getKey());
            Color col = PALETTE[si++ % PALETTE.length];
            g.setColor(dashed ? Color.GRAY : thin ? new Color(col.getRed(), col.getGreen(), col.getBlue(), 110) : col);
            g.setStroke(dashed ? new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f)
                    : new BasicStroke(thin ? 1f : 1.8f));
            for (int i = 0; i < v.length; i++) {
                boolean here = Double.isFinite(ty(v[i])) && Double.isFinite(tx(c.xs[i]));
                if (!here) continue;
                double ppx = px.applyAsDouble(c.xs[i]), py = y(v[i]);
                if (err != null && Double.isFinite(err[i]) && err[i] > 0) {
                    g.draw(new Line2D.Double(ppx, y(v[i] - err[i]), ppx, y(v[i] + err[i])));
                    g.draw(new Line2D.Double(ppx - 4, y(v[i] - err[i]), ppx + 4, y(v[i] - err[i])));
                    g.draw(new Line2D.Double(ppx - 4, y(v[i] + err[i]), ppx + 4, y(v[i] + err[i])));
                }
                if (!dashed && !thin && (c.kind == Chart.Kind.SCATTER || v.length <= 30)) g.fillOval((int) ppx - 3, (int) py - 3, 6, 6);
                if (c.kind != Chart.Kind.SCATTER && i > 0 && Double.isFinite(ty(v[i - 1])) && Double.isFinite(tx(c.xs[i - 1])))
                    g.draw(new Line2D.Double(px.applyAsDouble(c.xs[i - 1]), y(v[i - 1]), ppx, py));
            }
        }
        g.setStroke(new BasicStroke(1f));
        g.setColor(Color.DARK_GRAY);
        if (c.logX) {
            for (double xv : logTicks(xmin, xmax)) drawCentered(logTick(xv), (int) px.applyAsDouble(xv), top + ph() + 16);
            return;
        }
        // round x ticks; whole numbers only when the x values are (task indices, steps)
        boolean whole = true;
        for (double x : c.xs) whole &= x == Math.rint(x);
        double step = niceStep((xmax - xmin) / 5);
        if (whole) step = Math.max(1, Math.rint(step));
        for (double xv = Math.ceil(xmin / step - 1e-9) * step; xv <= xmax + step * 1e-9; xv += step)
            drawCentered(tick(xv, step), (int) (left + pw() * (xv - xmin) / (xmax - xmin)), top + ph() + 16);
    }


    private void legend() {
        if (c.series.size() < 2) return;
        int si = 0, yy = top + 10;
        for (String name : c.series.keySet()) {
            Color col = PALETTE[si++ % PALETTE.length];
            if (c.dashed.contains(name)) {            // drawn grey and dashed: the legend says so
                g.setColor(Color.GRAY);
                g.drawLine(c.width - right + 10, yy - 4, c.width - right + 14, yy - 4);
                g.drawLine(c.width - right + 18, yy - 4, c.width - right + 22, yy - 4);
            } else {
                g.setColor(c.thin.contains(name) ? new Color(col.getRed(), col.getGreen(), col.getBlue(), 110) : col);
                g.fillRect(c.width - right + 12, yy - 9, 10, 10);
            }
            g.setColor(Color.DARK_GRAY);
            for (String line : wrap(name, 18)) {        // a long series name wraps instead of being cut
                g.drawString(line, c.width - right + 28, yy);
                yy += 14;
            }
            yy += 4;
        }
    }

    private void heatmap() {
        double[][] z = c.z;
        int rows = z.length, cols = z[0].length;
        double mn = Double.POSITIVE_INFINITY, mx = Double.NEGATIVE_INFINITY;
        for (double[] r : z) for (double v : r) if (Double.isFinite(v)) {
            mn = Math.min(mn, v);
            mx = Math.max(mx, v);
        }
        if (c.diverging) {
            mx = c.absMax();
            mn = -mx;
        }
        if (mx == mn) mx = mn + 1;
        double cw = (double) pw() / cols, rh = (double) ph() / rows;
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) {
                g.setColor(colour((z[i][j] - mn) / (mx - mn)));
                g.fill(new Rectangle2D.Double(left + j * cw, top + i * rh, cw + 0.5, rh + 0.5));
            }
        if (c.diverging && rows <= 12 && cols <= 12) {          // small difference matrices: the numbers too
            g.setColor(Color.BLACK);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++)
                    if (Double.isFinite(z[i][j]))
                        drawCentered(String.format(java.util.Locale.ROOT, "%.0f", z[i][j]).replace("-0", "0"), (int) (left + (j + 0.5) * cw), (int) (top + (i + 0.5) * rh + 4));
        }
        if (c.boundaries != null) {                             // lines between clusters
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.5f));
            int at = 0;
            for (int k = 0; k < c.boundaries.length - 1; k++) {
                at += c.boundaries[k];
                g.draw(new java.awt.geom.Line2D.Double(left + at * cw, top, left + at * cw, top + ph()));
                g.draw(new java.awt.geom.Line2D.Double(left, top + at * rh, left + pw(), top + at * rh));
            }
            g.setStroke(new BasicStroke(1f));
        }
        g.setColor(Color.DARK_GRAY);
        for (int i = 0; i < rows && rows <= 40; i++) {
            String s = c.rowLabels.get(i);
            g.drawString(s, left - 6 - g.getFontMetrics().stringWidth(s), (int) (top + (i + 0.5) * rh + 4));
        }
        boolean slanted = false;
        for (int j = 0; j < cols && cols <= 40; j++)
            slanted |= g.getFontMetrics().stringWidth(c.categories.get(j)) > cw - 4;
        for (int j = 0; j < cols && cols <= 40; j++) {
            String lab = c.categories.get(j);
            int x = (int) (left + (j + 0.5) * cw);
            if (!slanted) drawCentered(lab, x, top + ph() + 16);
            else {                                              // long column names: written at 45°, ending under their column
                java.awt.geom.AffineTransform old = g.getTransform();
                g.translate(x + 4, top + ph() + 8);
                g.rotate(-Math.PI / 4);
                g.drawString(lab, -g.getFontMetrics().stringWidth(lab), 0);
                g.setTransform(old);
            }
        }
        for (int s = 0; s < 100; s++) {
            g.setColor(colour(s / 99.0));
            g.fillRect(c.width - right + 14, (int) (top + ph() * (1 - (s + 1) / 100.0)), 14, ph() / 100 + 1);
        }
        g.setColor(Color.DARK_GRAY);
        double step = niceStep((mx - mn) / 4);
        for (double v = Math.ceil(mn / step - 1e-9) * step; v <= mx + step * 1e-9; v += step)
            g.drawString(tick(v, step), c.width - right + 32, (int) (top + ph() * (1 - (v - mn) / (mx - mn))) + 4);
        drawCentered(c.xLabel, left + pw() / 2, c.height - 12);
    }

    private Color colour(double t) {
        return c.diverging ? redWhiteBlue(t) : viridis(t);
    }

    private static Color redWhiteBlue(double t) {
        t = Math.max(0, Math.min(1, Double.isFinite(t) ? t : 0.5));
        double[] lo = t < 0.5 ? new double[]{178, 24, 43} : new double[]{247, 247, 247};
        double[] hi = t < 0.5 ? new double[]{247, 247, 247} : new double[]{33, 102, 172};
        double f = t < 0.5 ? t * 2 : (t - 0.5) * 2;
        return new Color((int) (lo[0] + f * (hi[0] - lo[0])), (int) (lo[1] + f * (hi[1] - lo[1])), (int) (lo[2] + f * (hi[2] - lo[2])));
    }

    private static Color viridis(double t) {
        t = Math.max(0, Math.min(1, Double.isFinite(t) ? t : 0));
        double[][] stops = {{68, 1, 84}, {59, 82, 139}, {33, 145, 140}, {94, 201, 98}, {253, 231, 37}};
        double p = t * (stops.length - 1);
        int i = Math.min(stops.length - 2, (int) p);
        double f = p - i;
        return new Color((int) (stops[i][0] + f * (stops[i + 1][0] - stops[i][0])),
                (int) (stops[i][1] + f * (stops[i + 1][1] - stops[i][1])), (int) (stops[i][2] + f * (stops[i + 1][2] - stops[i][2])));
    }

    private void drawCentered(String s, int x, int y) {
        g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, y);
    }
}
