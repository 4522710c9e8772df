package org.modmask.experiment;

import org.junit.jupiter.api.Test;
import org.modmask.analysis.Confusion;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The class-removal summaries (spec §2 items 9–11) on hand-made confusion matrices over two runs. */
class ClassRemovalTest {
    static final String[] C = {"cat", "dog", "car"};

    @Test
    void dropsDifferencesAndWhereTheMassWent() {
        double[][] ref = Confusion.normalizeRows(new long[][]{{80, 10, 10}, {10, 80, 10}, {0, 0, 100}});
        // run 1: removing "cat" moves 40 points of cat to dog; dog loses 4 points (5 % of its 80)
        double[][] cat1 = Confusion.normalizeRows(new long[][]{{40, 50, 10}, {10, 76, 14}, {0, 0, 100}});
        // run 2: cat loses 60 points to dog; no other class drops
        double[][] cat2 = Confusion.normalizeRows(new long[][]{{20, 70, 10}, {10, 80, 10}, {0, 0, 100}});
        ClassRemoval r = ClassRemoval.of(C, List.of(ref, ref), Map.of("cat", List.of(cat1, cat2)));
        double[][] d = r.difference("cat");
        assertEquals(-50, d[0][0], 1e-9, "mean of −40 and −60 points");
        assertEquals(50, d[0][1], 1e-9);
        assertEquals(-2, d[1][1], 1e-9);
        Table t = r.drops();
        assertEquals("cat", t.stringColumn("removed class").get(0));
        assertEquals(62.5, t.doubleColumn("target drop %").get(0), 1e-9, "(50 % + 75 %) / 2 of the control's 80 %");
        assertEquals(17.7, t.doubleColumn("± target").get(0), 1e-9);
        // run 1: dog's relative drop −5 % over cat's −50 % → 10 %; run 2: 0 % → mean 5 %
        assertEquals(5.0, t.doubleColumn("largest other / target %").get(0), 1e-9);
        assertEquals("dog", t.stringColumn("most hurt other class").get(0));
        assertTrue(t.stringColumn("mass moved most to").get(0).startsWith("dog (+50.0 pp)"), t.stringColumn("mass moved most to").get(0));
        assertEquals(80.0, t.doubleColumn("control accuracy %").get(0), 1e-9);
        assertNotNull(r.heatmap("cat").png());
        Table bars = r.dropComparison();
        assertEquals(1, bars.rowCount());
        assertEquals(62.5, bars.doubleColumn("removed class").get(0), 1e-9);
        assertEquals(2.5, bars.doubleColumn("largest other class").get(0), 1e-9, "dog: −5 % in run 1, 0 % in run 2");
        assertNotNull(r.dropBars().png());
        double[][] m = r.dropMatrix();
        assertEquals(62.5, m[0][0], 1e-9, "the diagonal cell is the target drop");
        assertEquals(2.5, m[0][1], 1e-9, "dog: 5 % in run 1, 0 % in run 2");
        assertEquals(0, m[0][2], 1e-9, "car never moves");
        Table grid = r.dropTable();
        assertEquals(List.of("removed class", "cat", "dog", "car"), grid.columnNames());
        assertEquals(62.5, grid.doubleColumn("cat").get(0), 1e-9);
        assertNotNull(r.dropHeatmap().png());
    }

    @Test
    void mostConfusedWithIsTheControlsLargestOffDiagonalEntryAveragedOverRuns() {
        // run 1 sends cat mostly to dog, run 2 (more strongly) to car: the mean decides; dog's row is its own
        double[][] run1 = Confusion.normalizeRows(new long[][]{{70, 20, 10}, {5, 90, 5}, {0, 30, 70}});
        double[][] run2 = Confusion.normalizeRows(new long[][]{{60, 10, 30}, {5, 90, 5}, {0, 30, 70}});
        ClassRemoval r = ClassRemoval.of(C, List.of(run1, run2), Map.of("cat", List.of(run1, run2)));
        assertEquals("car", r.mostConfusedWith("cat"));
        assertEquals("dog", r.mostConfusedWith("car"));
        assertThrows(IllegalArgumentException.class, () -> r.mostConfusedWith("horse"));
    }

    @Test
    void movedMatrixIsEachRemovedClassesOwnRowOfTheConfusionChange() {
        double[][] ref = Confusion.normalizeRows(new long[][]{{80, 10, 10}, {10, 80, 10}, {0, 0, 100}});
        double[][] noCat = Confusion.normalizeRows(new long[][]{{10, 70, 20}, {10, 80, 10}, {0, 0, 100}});
        double[][] noCar = Confusion.normalizeRows(new long[][]{{80, 10, 10}, {10, 75, 15}, {5, 35, 60}});
        var without = new java.util.LinkedHashMap<String, List<double[][]>>();
        without.put("cat", List.<double[][]>of(noCat));
        without.put("car", List.<double[][]>of(noCar));
        double[][] m = ClassRemoval.of(C, List.<double[][]>of(ref), without).movedMatrix();
        assertArrayEquals(new double[]{-70, 60, 10}, m[0], 1e-9);     // cat lost 70 points: 60 to dog, 10 to car
        assertArrayEquals(new double[]{5, 35, -40}, m[1], 1e-9);      // car's row, not dog's, though dog changed too
    }

    @Test
    void stagesMustBeClassNames() {
        double[][] ref = {{1, 0}, {0, 1}};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClassRemoval.of(new String[]{"a", "b"}, List.<double[][]>of(ref), Map.of("without a", List.<double[][]>of(ref))));
        assertTrue(e.getMessage().contains("'without a'"), e.getMessage());
        ClassRemoval r = ClassRemoval.of(new String[]{"a", "b"}, List.<double[][]>of(ref), Map.of("a", List.<double[][]>of(ref)));
        assertThrows(IllegalArgumentException.class, () -> r.difference("b"));
    }
}
