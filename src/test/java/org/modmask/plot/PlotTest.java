package org.modmask.plot;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import static org.junit.jupiter.api.Assertions.*;

class PlotTest {
    @Test
    void aSpreadColumnBesideABarSeriesBecomesItsErrorBars() {
        Table t = Table.create("acc", StringColumn.create("mask", new String[]{"+", "×"}),
                DoubleColumn.create("all", new double[]{90, 80}), DoubleColumn.create("all ±", new double[]{1.5, 2}),
                DoubleColumn.create("other", new double[]{10, 20}));
        Chart c = Plot.bars(t, "mask", "all", "other");
        assertArrayEquals(new double[]{1.5, 2}, c.errors.get("all"));
        assertFalse(c.errors.containsKey("other"), "no ± column, no error bars");
        assertTrue(c.png().length > 0);
        String html = c.html();
        assertEquals(1, html.split("error_y", -1).length - 1, "the interactive chart has error bars on the one series with a spread");
        assertTrue(html.contains("array: [1.5,2.0]"), "its values");
    }

    @Test
    void logAxesDrawAndSkipValuesAtOrBelowZero() {
        Table t = Table.create("loss", DoubleColumn.create("step", new double[]{1, 10, 100, 1000}),
                DoubleColumn.create("loss", new double[]{2.3, 0.5, 0.0, 1e-3}));
        Chart c = Plot.line(t, "step", "loss").logX().logY();
        assertTrue(c.png().length > 0, "a zero on a log axis is left out, not an error");
        String html = c.html();
        assertEquals(2, html.split("type: 'log'|type:'log'|\"type\":\"log\"", -1).length - 1, "both Plotly axes are logarithmic: " + html.substring(html.indexOf("layout")));
        assertThrows(IllegalStateException.class, () -> Plot.bars(t, "step", "loss").logX());
    }

    @Test
    void everyChartHasAYAxisTitleAndNoNamedColumnsMeansAllNumericOnes() {
        Table t = Table.create("acc", StringColumn.create("mask", new String[]{"+", "×"}),
                DoubleColumn.create("+", new double[]{90, 80}), DoubleColumn.create("+ ±", new double[]{1, 1}),
                DoubleColumn.create("×", new double[]{10, 20}));
        assertEquals("+, ×", Plot.bars(t, "mask", "+", "×").yLabel);
        Chart all = Plot.bars(t, "mask");
        assertEquals(java.util.List.of("+", "×"), new java.util.ArrayList<>(all.series.keySet()), "± columns are error bars, not series");
        assertEquals("5 series (see the legend)", Plot.yTitle(new String[]{"a", "b", "c", "d", "e"}));
        assertThrows(IllegalArgumentException.class, () -> Plot.line(Table.create("t", StringColumn.create("x", new String[]{"a"})), "x"));
    }

    @Test
    void clusterBoundariesOnASquareHeatmap() {
        var p = new org.modmask.cluster.Partition(new int[]{1, 0, 1, 2, 0, -1}, 0.3);
        assertArrayEquals(new int[]{2, 2, 1, 1}, p.sizes(), "clusters 0, 1, 2, then the dead unit, in order()");
        double[][] z = new double[6][6];
        String[] ids = {"a", "b", "c", "d", "e", "f"};
        Chart c = Plot.heatmap("m", z, ids, ids).boundaries(p.sizes());
        String html = c.html();
        assertEquals(6, html.split("type:'line'", -1).length - 1, "three boundaries, each a vertical and a horizontal line");
        assertTrue(html.contains("scaleanchor: 'x'"), "square cells");
        assertTrue(c.png().length > 0);
        assertThrows(IllegalArgumentException.class, () -> Plot.heatmap("m", z, ids, ids).boundaries(2, 2));
    }

    /** A mean over seeds: error bars from "s.e.m.", seeds thin, the null dashed, in Plotly and in the PNG. */
    @Test
    void overSeedsDrawsTheMeanWithErrorsSeedsThinAndTheNullDashed() {
        Table t = Table.create("Q vs dropout", DoubleColumn.create("dropout", new double[]{0, 0.5}),
                DoubleColumn.create("Q", new double[]{0.10, 0.20}), DoubleColumn.create("s.e.m.", new double[]{0.01, 0.02}),
                DoubleColumn.create("seed 0", new double[]{0.09, 0.18}), DoubleColumn.create("seed 1", new double[]{0.11, 0.22}),
                DoubleColumn.create("null mean", new double[]{0.08, 0.08}));
        Chart c = Plot.overSeeds(t, "dropout", "Q");
        assertEquals(java.util.List.of("Q", "seed 0", "seed 1", "null mean"), c.seriesNames());
        String html = c.html();
        assertTrue(html.contains("error_y: {type: 'data', array: [0.01,0.02]"), "the s.e.m. as Plotly error bars on the line");
        assertTrue(html.contains("dash: 'dash'"), "the null dashed");
        assertTrue(html.contains("opacity: 0.45"), "seeds thin and light");
        assertTrue(c.png().length > 0);
        assertThrows(IllegalArgumentException.class, () -> Plot.overSeeds(t, "dropout"), "a y column must be named");
    }
}
