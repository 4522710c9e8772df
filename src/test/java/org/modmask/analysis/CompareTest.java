package org.modmask.analysis;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.mask.WeightMask;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The overlap arithmetic of spec §2 on hand-made masks, and mask save/load. */
class CompareTest {
    static WeightMask mask(String name, float[] l0, float[] l1) {
        Map<String, org.nd4j.linalg.api.ndarray.INDArray> m = new LinkedHashMap<>();
        m.put("a", Nd4j.createFromArray(l0));
        m.put("b", Nd4j.createFromArray(l1));
        return new WeightMask(name, m);
    }

    // a: A keeps {0,1,2}, B keeps {1,2,3}; b: A keeps {0}, B keeps {1}
    final WeightMask A = mask("A", new float[]{3, 1, 2, -1}, new float[]{1, -2, -3});
    final WeightMask B = mask("B", new float[]{-1, 4, 0.5f, 2}, new float[]{-1, 2, -3});

    @Test
    void iouIominSharedRemaining() {
        var t = Compare.iou(A, B);
        assertEquals(2.0 / 4, t.doubleColumn("iou").get(0), 1e-12);
        assertEquals(2.0 / 3, t.doubleColumn("iomin").get(0), 1e-12);
        assertEquals(0.0, t.doubleColumn("iou").get(1), 1e-12);
        assertEquals(2.0 / 6, Compare.totalIou(A, B), 1e-12);       // ∩ = 2 + 0, ∪ = 4 + 2
        assertEquals(2.0 / 4, Compare.totalShared(A, B), 1e-12);    // Σ|A∩B| / Σ|A| = 2 / 4
        var shared = Compare.shared(A, B);
        assertEquals(2.0 / 3, shared.doubleColumn("A").get(0), 1e-12);
        assertEquals(0.0, shared.doubleColumn("B").get(1), 1e-12);
        var rem = Compare.remaining(A, B);
        assertEquals(2.0 / 3, rem.doubleColumn("B").get(0), 1e-12);
        assertEquals(2.0 / 4, rem.doubleColumn("B").get(2), 1e-12); // total row
        assertEquals(4, A.keptCount());
        assertEquals(3L, Compare.kept(A, B).longColumn("A").get(0));
    }

    @Test
    void zeroLogitIsUsedAtEvaluationButNotCountedAsKept() {
        WeightMask z = mask("z", new float[]{0, 0, 0, 0}, new float[]{0, 0, 0});
        assertEquals(0, z.keptCount());
        assertEquals(4.0, z.evalMask("a").sumNumber().doubleValue());
    }

    @Test
    void saveAndLoadRoundTrip(@TempDir Path dir) throws Exception {
        Path p = dir.resolve("a.mask");
        A.save(p);
        WeightMask back = WeightMask.load(p);
        assertEquals("A", back.name());
        assertEquals(A.params(), back.params());
        for (String n : A.params()) assertEquals(A.logits(n), back.logits(n));
    }

    @Test
    void confusionArithmetic() {
        double[][] ref = Confusion.normalizeRows(new long[][]{{8, 2}, {1, 9}});
        double[][] c = Confusion.normalizeRows(new long[][]{{4, 6}, {1, 9}});
        double[][] d = Confusion.differencePoints(c, ref);
        assertEquals(-40, d[0][0], 1e-9);
        assertEquals(40, d[0][1], 1e-9);
        double[] rel = Confusion.relativeChange(c, ref);
        assertEquals(-50, rel[0], 1e-9);
        assertEquals(0, rel[1], 1e-9);
        assertEquals(-0.0, Confusion.worstOtherOverTarget(rel, 0), 1e-9);
    }
}
