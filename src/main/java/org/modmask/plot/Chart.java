package org.modmask.plot;

import tech.tablesaw.plotly.components.Axis;
import tech.tablesaw.plotly.components.Figure;
import tech.tablesaw.plotly.components.Layout;
import tech.tablesaw.plotly.traces.BarTrace;
import tech.tablesaw.plotly.traces.HeatmapTrace;
import tech.tablesaw.plotly.traces.ScatterTrace;
import tech.tablesaw.plotly.traces.Trace;

import javax.imageio.ImageIO;
import java.awt.*;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.List;

/**
 * A chart: interactive in a notebook (Plotly, through Tablesaw's jsplot) and also a static PNG drawn with
 * Java2D, so that GitHub and {@code nbconvert --to html} show it without JavaScript. Build one with {@link Plot}.
 */
public final class Chart {
    static {
        org.modmask.FirstUse.ensure();   // rich display under a user's own IJava kernel (the kernel package is a service)
    }

    enum Kind {BAR, LINE, SCATTER, HEATMAP}

    final Kind kind;
    String title = "";
    String xLabel = "", yLabel = "";
    final List<String> categories;          // bar x labels; heatmap columns
    final double[] xs;                      // line/scatter x values
    final LinkedHashMap<String, double[]> series = new LinkedHashMap<>();
    final LinkedHashMap<String, double[]> errors = new LinkedHashMap<>();
    final java.util.Set<String> thin = new java.util.HashSet<>(), dashed = new java.util.HashSet<>();
    double[][] z;                           // heatmap values [rows][cols]
    int[] boundaries;                       // heatmap: sizes of consecutive groups of rows and columns
    List<String> rowLabels;
    Double yMin, yMax;
    boolean diverging, logX, logY;
    int width = 720, height = 420;

    Chart(Kind kind, List<String> categories, double[] xs) {
        this.kind = kind;
        this.categories = categories;
        this.xs = xs;
    }

    public Chart title(String t) {
        title = t;
        return this;
    }

    public Chart xLabel(String l) {
        xLabel = l;
        return this;
    }

    public Chart yLabel(String l) {
        yLabel = l;
        return this;
    }

    /** Fixes the y range (e.g. 0..1 for accuracies). */
    public Chart yRange(double lo, double hi) {
        yMin = lo;
        yMax = hi;
        return this;
    }

    /** A log₁₀ y axis, for quantities that span decades (losses, kept weights); values ≤ 0 are not drawn. */
    public Chart logY() {
        if (kind == Kind.HEATMAP) throw new IllegalStateException("a heatmap has no y scale to make logarithmic");
        logY = true;
        return this;
    }

    /** A log₁₀ x axis for a line or scatter chart (β, steps); values ≤ 0 are not drawn. */
    public Chart logX() {
        if (kind != Kind.LINE && kind != Kind.SCATTER)
            throw new IllegalStateException("only line and scatter charts have a numeric x axis; this chart is a " + kind.name().toLowerCase());
        logX = true;
        return this;
    }

    public Chart size(int w, int h) {
        width = w;
        height = h;
        return this;
    }

    /**
     * A heatmap of signed values (differences): colours run red (negative) through white (0) to blue (positive),
     * symmetric around 0, and the static image writes each cell's value when the matrix is small.
     */
    public Chart diverging() {
        if (kind != Kind.HEATMAP) throw new IllegalStateException("diverging colours are for heatmaps; this chart is a " + kind.name().toLowerCase());
        diverging = true;
        return this;
    }

    /**
     * Lines between consecutive groups of rows and columns of a heatmap, such as clusters of a matrix sorted by
     * cluster: {@code heatmap.boundaries(partition.sizes())}.
     */
    public Chart boundaries(int... groupSizes) {
        if (kind != Kind.HEATMAP) throw new IllegalStateException("boundaries are for heatmaps; this chart is a " + kind.name().toLowerCase());
        int sum = 0;
        for (int s : groupSizes) {
            if (s < 1) throw new IllegalArgumentException("group sizes must be ≥ 1, got " + java.util.Arrays.toString(groupSizes));
            sum += s;
        }
        if (sum != z.length || sum != z[0].length)
            throw new IllegalArgumentException("group sizes add up to " + sum + ", the heatmap is " + z.length + "×" + z[0].length);
        boundaries = groupSizes.clone();
        return this;
    }

    /** The largest |value| of a heatmap (its diverging colour range). */
    double absMax() {
        double m = 0;
        for (double[] r : z) for (double v : r) if (Double.isFinite(v)) m = Math.max(m, Math.abs(v));
        return m == 0 ? 1 : m;
    }

    /** The names of the chart's series (bars or lines), in drawing order. */
    public java.util.List<String> seriesNames() {
        return java.util.List.copyOf(series.keySet());
    }

    /** Draws these line series thin and light (e.g. single seeds behind their mean). */
    public Chart thin(String... seriesNames) {
        for (String n : seriesNames) thin.add(known(n));
        return this;
    }

    /** Draws these line series dashed and grey (e.g. a null band). */
    public Chart dashed(String... seriesNames) {
        for (String n : seriesNames) dashed.add(known(n));
        return this;
    }

    private String known(String n) {
        if (!series.containsKey(n)) throw new IllegalArgumentException("no series '" + n + "'; have " + series.keySet());
        return n;
    }

    /** Adds error bars (±) to a bar or line series. */
    public Chart errors(String seriesName, double[] plusMinus) {
        if (!series.containsKey(seriesName)) throw new IllegalArgumentException("no series '" + seriesName + "'; have " + series.keySet());
        errors.put(seriesName, plusMinus);
        return this;
    }

    /** The Tablesaw/Plotly figure. */
    public Figure figure() {
        List<Trace> traces = new ArrayList<>();
        Object[] cats = categories == null ? null : categories.toArray();
        switch (kind) {
            case BAR -> series.forEach((n, v) -> traces.add(BarTrace.builder(cats, v).name(n).build()));
            case LINE -> series.forEach((n, v) -> traces.add(ScatterTrace.builder(xs, v).mode(ScatterTrace.Mode.LINE).name(n).build()));
            case SCATTER -> series.forEach((n, v) -> traces.add(ScatterTrace.builder(xs, v).mode(ScatterTrace.Mode.MARKERS).name(n).build()));
            case HEATMAP -> traces.add(HeatmapTrace.builder(cats, rowLabels.toArray(), z).build());
        }
        Axis.AxisBuilder xa = Axis.builder().title(xLabel);
        if (logX) xa.type(Axis.Type.LOG);
        Layout.LayoutBuilder lb = Layout.builder().title(title).width(width).height(height).xAxis(xa.build());
        Axis.AxisBuilder ya = Axis.builder().title(yLabel);
        if (logY) ya.type(Axis.Type.LOG);
        if (yMin != null) {
            if (logY) ya.range(yMin > 0 ? Math.log10(yMin) : -1, Math.log10(yMax));   // Plotly takes a log axis' range in log₁₀ units
            else ya.range(yMin, yMax);
        }
        lb.yAxis(ya.build());
        if (kind == Kind.BAR && series.size() > 1) lb.barMode(Layout.BarMode.GROUP);
        return new Figure(lb.build(), traces.toArray(new Trace[0]));
    }

    /**
     * HTML for a notebook: plotly.js (first chart of a session only) and the chart, drawn once Plotly is there.
     * Until then (or where scripts never run, as on GitHub) the div shows the static PNG.
     */
    public String html() {
        String id = "modmask_" + UUID.randomUUID().toString().replace("-", "");   // also a JS identifier
        String js = figure().asJavascript(id).replaceAll("(?s)</?script[^>]*>", "");
        if (diverging)      // Tablesaw's heatmap has no colour-scale setting: add Plotly's own keys to the trace
            js = js.replaceFirst("type\\s*:\\s*'heatmap'", java.util.regex.Matcher.quoteReplacement(String.format(java.util.Locale.ROOT,
                    "type: 'heatmap', zmin: %s, zmax: %s, colorscale: [[0,'#b2182b'],[0.5,'#f7f7f7'],[1,'#2166ac']]", -absMax(), absMax())));
        if (kind == Kind.BAR && !errors.isEmpty()) js = withErrorBars(js, "bar");
        if (kind == Kind.LINE && (!errors.isEmpty() || !thin.isEmpty() || !dashed.isEmpty())) js = withErrorBars(js, "scatter");
        if (kind == Kind.HEATMAP) js = squareAndBounded(js);
        return PlotlyJs.onceScripts() + "<div id='" + id + "'><img alt='" + Html.escape(title) + "' src='data:image/png;base64,"
                + pngBase64() + "'/></div>\n<script>(function(){function draw(){if(window.Plotly){document.getElementById('"
                + id + "').innerHTML='';" + js + "}else{setTimeout(draw,50);}}draw();})();</script>";
    }

    /** A square matrix gets square cells (y scaled to x), and cluster boundaries become Plotly line shapes. */
    String squareAndBounded(String js) {
        StringBuilder extra = new StringBuilder();
        if (boundaries != null) {
            extra.append("shapes: [");
            int at = 0, n = z.length;
            for (int k = 0; k < boundaries.length - 1; k++) {
                at += boundaries[k];
                double b = at - 0.5;
                extra.append(String.format(java.util.Locale.ROOT,
                        "{type:'line',xref:'x',yref:'y',x0:%s,x1:%s,y0:-0.5,y1:%s,line:{color:'black',width:1.5}},"
                                + "{type:'line',xref:'x',yref:'y',y0:%s,y1:%s,x0:-0.5,x1:%s,line:{color:'black',width:1.5}},", b, b, n - 0.5, b, b, n - 0.5));
            }
            extra.append("],\n");
        }
        String out = js.replaceFirst("var layout = \\{", java.util.regex.Matcher.quoteReplacement("var layout = {\n" + extra));
        if (z.length == z[0].length) out = out.replaceFirst("yaxis\\s*:\\s*\\{", "yaxis: {\nscaleanchor: 'x',");
        return out;
    }

    /**
     * Tablesaw's traces have no error bars or line styles: adds Plotly's own {@code error_y} to each trace that has
     * some, and a thin or dashed {@code line} to the series marked so.
     */
    String withErrorBars(String js, String type) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("type\\s*:\\s*'" + type + "'").matcher(js);
        StringBuilder out = new StringBuilder();
        List<String> names = List.copyOf(series.keySet());
        int trace = 0;
        while (m.find()) {
            double[] e = trace < names.size() ? errors.get(names.get(trace)) : null;
            String extra = "";
            if (e != null) {
                StringBuilder a = new StringBuilder();
                for (double v : e) a.append(a.isEmpty() ? "" : ",").append(Double.isFinite(v) ? Double.toString(v) : "0");
                extra = ", error_y: {type: 'data', array: [" + a + "], visible: true}";
            }
            String name = trace < names.size() ? names.get(trace) : "";
            if (thin.contains(name)) extra += ", opacity: 0.45, line: {width: 1}";
            if (dashed.contains(name)) extra += ", line: {dash: 'dash', width: 1, color: 'grey'}";
            m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(m.group() + extra));
            trace++;
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The static image. */
    public BufferedImage image() {
        return new ChartPainter(this).paint();
    }

    public byte[] png() {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            ImageIO.write(image(), "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String pngBase64() {
        return Base64.getEncoder().encodeToString(png());
    }

    /** Writes the PNG to a file. */
    public Path savePng(Path p) throws IOException {
        Files.write(p, png());
        return p;
    }

    @Override
    public String toString() {
        return "Chart '" + title + "' (" + kind.name().toLowerCase() + ", " + (kind == Kind.HEATMAP ? z.length + "×" + z[0].length : series.keySet()) + ")";
    }
}
