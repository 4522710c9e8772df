package org.modmask.plot;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import static org.junit.jupiter.api.Assertions.*;

class HtmlTest {
    @Test
    void numbersShowThreeSignificantDigitsAndWholeCounts() {
        assertEquals("23.7", Html.format(23.704698350694446));
        assertEquals("0.0123", Html.format(0.012345));
        assertEquals("0.5", Html.format(0.5));
        assertEquals("-4.6", Html.format(-4.6));
        assertEquals("7", Html.format(7.0));
        assertEquals("100", Html.format(99.96), "three digits: 99.96 rounds to 100");
        assertEquals("13316", Html.format(13316.4), "counts keep every integer digit");
        assertEquals("3.20e-05", Html.format(3.2e-5));
        assertEquals("0", Html.format(0.0));
        assertEquals("NaN", Html.format(Double.NaN));
    }

    @Test
    void tablesPrintFormattedNumbersInTextAndHtml() {
        Table t = Table.create("accuracy", StringColumn.create("mask", new String[]{"+", "×"}),
                DoubleColumn.create("acc %", new double[]{23.704698350694446, 99.5}));
        String text = Html.tableText(t), html = Html.table(t, Html.MAX_ROWS);
        for (String s : new String[]{text, html}) {
            assertTrue(s.contains("23.7") && s.contains("99.5"), s);
            assertFalse(s.contains("23.704"), "unrounded double in " + s);
        }
        assertEquals(23.704698350694446, t.doubleColumn("acc %").get(0), "the table itself keeps its values");
    }
}
