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
        yCols = orAllNumeric(t, xCol, yCols);
        List<String> cats = new ArrayList<>();
        for (int r = 0; r < t.rowCount(); r++) cats.add(t.column(xCol).getString(r));
        Chart c = new Chart(Chart.Kind.BAR, cats, null);
        for (String y : yCols) c.series.put(y, numbers(t, y));
        for (String y : yCols) if (t.containsColumn(y + " ±")) c.errors.put(y, numbers(t, y + " ±"));
        return c.title(t.name()).xLabel(xCol).yLabel(yTitle(yCols));
    }

    /** Lines of y columns (every other numeric column when none is named) against a numeric x column. */
    public static Chart line(Table t, String xCol, String... yCols) {
        yCols = orAllNumeric(t, xCol, yCols);
        Chart c = new Chart(Chart.Kind.LINE, null, numbers(t, xCol));
        for (String y : yCols) c.series.put(y, numbers(t, y));
        return c.title(t.name()).xLabel(xCol).yLabel(yTitle(yCols));
    }

    /**
     * A mean over seeds as the paper draws it: each y column with error bars from its {@code "<y> s.e.m."} column
     * (or, for one y, from {@code "s.e.m."}), every {@code "seed …"} column as a thin line behind it, and every
     * {@code "null …"} column (an untrained baseline and its band) dashed, as in
     * {@code Plot.overSeeds(swept.qVs("dropout", method), "dropout", "Q")}.
     */
    public static Chart overSeeds(Table t, String xCol, String... yCols) {
        if (yCols.length == 0) throw new IllegalArgumentException("name the y column(s) of '" + t.name() + "'");
        List<String> seeds = new ArrayList<>(), nulls = new ArrayList<>();
        for (var c : t.columns()) {
            if (c.name().startsWith("seed ") && c instanceof NumericColumn<?>) seeds.add(c.name());
            if (c.name().startsWith("null") && c instanceof NumericColumn<?>) nulls.add(c.name());
        }
        List<String> all = new ArrayList<>(Arrays.asList(yCols));
        all.addAll(seeds);
        all.addAll(nulls);
        Chart c = line(t, xCol, all.toArray(String[]::new)).yLabel(yTitle(yCols));
        for (String y : yCols) {
            String sem = t.containsColumn(y + " s.e.m.") ? y + " s.e.m." : yCols.length == 1 && t.containsColumn("s.e.m.") ? "s.e.m." : null;
            if (sem != null) c.errors(y, numbers(t, sem));
        }
        c.thin(seeds.toArray(String[]::new));
        c.dashed(nulls.toArray(String[]::new));
        return c;
    }

    /** Points of y columns against a numeric x column. */
    public static Chart scatter(Table t, String xCol, String... yCols) {
        yCols = orAllNumeric(t, xCol, yCols);
        Chart c = new Chart(Chart.Kind.SCATTER, null, numbers(t, xCol));
        for (String y : yCols) c.series.put(y, numbers(t, y));
        return c.title(t.name()).xLabel(xCol).yLabel(yTitle(yCols));
    }

    /** The named y columns, or every numeric column but x (and its "± " companions) when none is named. */
    static String[] orAllNumeric(Table t, String xCol, String[] yCols) {
        if (yCols.length > 0) return yCols;
        List<String> all = new ArrayList<>();
        for (var c : t.columns())
            if (c instanceof tech.tablesaw.api.NumericColumn<?> && !c.name().equals(xCol) && !c.name().endsWith(" ±")) all.add(c.name());
        if (all.isEmpty()) throw new IllegalArgumentException("table '" + t.name() + "' has no numeric column besides '" + xCol + "'");
        return all.toArray(String[]::new);
    }

    /** An axis title for the y columns: the column's name, or the names of a few (the legend has them all). */
    static String yTitle(String[] yCols) {
        if (yCols.length == 1) return yCols[0];
        if (yCols.length <= 3) return String.join(", ", yCols);
        return yCols.length + " series (see the legend)";
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
