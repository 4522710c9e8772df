package org.modmask.experiment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Figure 4(a)'s tables: two architectures side by side in the paper's bar order, and a CSV round trip. */
class SplitGeneralizationTest {
    static Table figure(String name, double full, double split, Double scratch) {
        DoubleColumn s = DoubleColumn.create("from scratch");
        for (int i = 0; i < 2; i++) if (scratch == null) s.appendMissing(); else s.append(scratch + i);
        return Table.create(name, StringColumn.create("split", List.of("jump", "length")),
                DoubleColumn.create("full-problem mask", new double[]{full, full + 1}),
                DoubleColumn.create("split mask", new double[]{split, split + 1}), s);
    }

    @Test
    void combinesArchitecturesInThePapersOrder() {
        Map<String, Table> both = new LinkedHashMap<>();
        both.put("LSTM", figure("a", 90, 2, 1.0));
        both.put("Transformer", figure("b", 80, 3, null));
        Table t = SplitGeneralization.combine(both);
        assertEquals(List.of("split", "LSTM full-problem mask", "Transformer full-problem mask", "LSTM split mask",
                "Transformer split mask", "LSTM from scratch", "Transformer from scratch"), t.columnNames());
        assertEquals(91.0, t.doubleColumn("LSTM full-problem mask").get(1));
        assertEquals(3.0, t.doubleColumn("Transformer split mask").get(0));
        assertTrue(t.doubleColumn("Transformer from scratch").isMissing(0));
        assertEquals(6, SplitGeneralization.chart(t).seriesNames().size(), "one bar per numeric column");

        Table other = Table.create("c", StringColumn.create("split", List.of("length", "jump")),
                DoubleColumn.create("full-problem mask", 2), DoubleColumn.create("split mask", 2), DoubleColumn.create("from scratch", 2));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SplitGeneralization.combine(Map.of("LSTM", figure("a", 1, 1, 1.0), "Other", other)));
        assertTrue(e.getMessage().contains("[length, jump]"), e.getMessage());
    }

    @Test
    void savesAndReadsBackIncludingMissingBaselines(@TempDir Path dir) {
        Path f = dir.resolve("sub/figure4a.csv");
        SplitGeneralization.save(figure("t", 48, 1, null), f);
        Table back = SplitGeneralization.read(f);
        assertEquals(48.0, back.doubleColumn("full-problem mask").get(0));
        assertEquals(2.0, back.doubleColumn("split mask").get(1));
        assertTrue(back.doubleColumn("from scratch").isMissing(1));
        assertEquals(List.of("jump", "length"), back.stringColumn("split").asList());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SplitGeneralization.read(dir.resolve("none.csv")));
        assertTrue(e.getMessage().contains("none.csv"), e.getMessage());
    }
}
