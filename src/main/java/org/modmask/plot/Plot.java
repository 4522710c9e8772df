package org.modmask.plot;

import tech.tablesaw.api.NumericColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Charts from tables in one line: {@code Plot.bars(iou, "param", "iou")}. Each returns a {@link Chart} that a
 * notebook shows interactively and as a PNG.
 */
public final class Plot {
    static {
        org.modmask.FirstUse.ensure();   // rich display under a user's own IJava kernel (the kernel package is a service)
    }

    private Plot() {
    }

    /**
     * Grouped bars: one group per row (labelled by {@code xCol}), one bar per y column. A column named
     * {@code "<y> ±"} beside a y column (as in {@code Result.accuracy()} over several runs) becomes its error bars.
     */
    public static Chart bars(Table t, String xCol, String... yCols) {
        List<String> cats = new ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) cats.add(t.column(xCol).getString(r));
        Chart c = new Chart(Chart.Kind.BAR, cats, null);
        for (String y : yCols) c.series.put(y, numbers(t, y));
        for (String y : yCols) if (t.containsColumn(y + " ±")) c.errors.put(y, numbers(t, y + " ±"));
        return c.title(t.name()).xLabel(xCol).yLabel(yCols.length == 1 ? yCols[0] : "");
    }

    /** Lines of y columns against a numeric x column. */
    public static Chart line(Table t, String xCol, String... yCols) {
        Chart c = new Chart(Chart.Kind.LINE, null, numbers(t, xCol));
        for (String y : yCols) c.series.put(y, numbers(t, y));
        return c.title(t.name()).xLabel(xCol).yLabel(yCols.length == 1 ? yCols[0] : "");
    }

    /** Points of y columns against a numeric x column. */
    public static Chart scatter(Table t, String xCol, String... yCols) {
        Chart c = new Chart(Chart.Kind.SCATTER, null, numbers(t, xCol));
        for (String y : yCols) c.series.put(y, numbers(t, y));
        return c.title(t.name()).xLabel(xCol).yLabel(yCols.length == 1 ? yCols[0] : "");
    }

    /** A heatmap of a matrix; rows top to bottom. */
    public static Chart heatmap(String title, double[][] z, String[] columns, String[] rows) {
        if (z.length != rows.length || z[0].length != columns.length)
            throw new IllegalArgumentException("heatmap of " + z.length + "×" + z[0].length + " values needs that many labels, got "
                    + rows.length + " rows and " + columns.length + " columns");
        Chart c = new Chart(Chart.Kind.HEATMAP, Arrays.asList(columns), null);
        c.z = z;
        c.rowLabels = Arrays.asList(rows);
        return c.title(title);
    }

    private static double[] numbers(Table t, String col) {
        if (!(t.column(col) instanceof NumericColumn<?> n))
            throw new IllegalArgumentException("column '" + col + "' of '" + t.name() + "' is not numeric");
        return n.asDoubleArray();
    }
}
