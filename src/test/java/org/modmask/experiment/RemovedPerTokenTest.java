package org.modmask.experiment;

import org.junit.jupiter.api.Test;
import org.modmask.mask.WeightMask;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Spec item 12 on hand-made masks: per token row, |M_full ∩ ¬M_split| / |M_full|. */
class RemovedPerTokenTest {
    @Test
    void removedShareOfEachTokensRow() {
        // rows: A keeps 4 under the full mask, the split mask drops 3 of them; B keeps 2, drops none; C keeps none
        float[][] full = {{1, 1, 1, 1}, {1, 1, -1, -1}, {-1, -1, -1, -1}};
        float[][] split = {{1, -1, -1, -1}, {1, 1, 1, -1}, {1, 1, 1, 1}};
        WeightMask f = new WeightMask("simple", Map.of("out.weight", Nd4j.createFromArray(full)));
        WeightMask s = new WeightMask("jump", Map.of("out.weight", Nd4j.createFromArray(split)));
        Table t = RemovedPerToken.table(f, s, "out.weight", List.of("A", "B", "C"));
        assertEquals(75.0, t.doubleColumn("removed %").get(0), 1e-9);
        assertEquals(0.0, t.doubleColumn("removed %").get(1), 1e-9);
        assertTrue(t.doubleColumn("removed %").isMissing(2), "no kept weights: undefined");
        assertEquals(4, t.longColumn("kept by simple").get(0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RemovedPerToken.table(f, s, "out.weight", List.of("A", "B")));
        assertTrue(e.getMessage().contains("[3, 4]"), e.getMessage());
        assertNotNull(RemovedPerToken.chart(f, s, "out.weight", List.of("A", "B", "C")).png());
    }

    /** 07 saves its table, 09 reads it back and draws both networks' rows side by side, token by token. */
    @Test
    void savedTablesCombineTokenByToken(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        float[][] full = {{1, 1, 1, 1}, {1, 1, -1, -1}};
        WeightMask f = new WeightMask("simple", Map.of("out.weight", Nd4j.createFromArray(full)));
        WeightMask lstmJump = new WeightMask("jump", Map.of("out.weight", Nd4j.createFromArray(new float[][]{{1, -1, -1, -1}, {1, 1, 1, -1}})));
        WeightMask trJump = new WeightMask("jump", Map.of("out.weight", Nd4j.createFromArray(new float[][]{{1, 1, 1, 1}, {-1, 1, 1, 1}})));
        var file = dir.resolve("figure4b.csv");
        RemovedPerToken.save(RemovedPerToken.table(f, trJump, "out.weight", List.of("B", "A")), file);   // another token order
        var both = RemovedPerToken.combine(new java.util.LinkedHashMap<>(Map.of("LSTM", RemovedPerToken.table(f, lstmJump, "out.weight", List.of("A", "B")))) {{
            put("Transformer", RemovedPerToken.read(file));
        }});
        assertEquals(List.of("token", "LSTM", "Transformer"), both.columnNames());
        assertEquals(List.of("A", "B"), both.stringColumn("token").asList());
        assertEquals(75.0, both.doubleColumn("LSTM").get(0), 1e-9);
        assertEquals(50.0, both.doubleColumn("Transformer").get(0), 1e-9, "A is the saved table's second row");
        assertEquals(0.0, both.doubleColumn("Transformer").get(1), 1e-9);
        assertNotNull(RemovedPerToken.chart(both).png());
        assertThrows(IllegalArgumentException.class, () -> RemovedPerToken.read(dir.resolve("none.csv")));
    }
}
