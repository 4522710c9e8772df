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
}
