package org.modmask.data;

import org.junit.jupiter.api.Test;
import org.modmask.nn.Model;
import org.modmask.nn.PairwiseMlp;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The arithmetic task generators: encodings, mod arithmetic, seeds, counts, views. */
class TasksTest {
    static int digit(INDArray row, int offset) {
        for (int d = 0; d < 10; d++) if (row.getFloat(offset + d) == 1) return d;
        return -1;
    }

    @Test
    void addMulEncodesOperandsAndResultsLeastSignificantDigitFirst() {
        AddMul t = AddMul.generate(5000, 500);
        Dataset d = t.train();
        assertEquals(5000, d.size());
        assertEquals(500, t.valid().size());
        INDArray x = d.column("x"), y = d.column("y");
        for (int i = 0; i < 200; i++) {
            INDArray xi = x.getRow(i), yi = y.getRow(i);
            int a = (int) d.column("a").getFloat(i), b = (int) d.column("b").getFloat(i), op = (int) d.column("op").getFloat(i);
            assertEquals(a, digit(xi, 0) + 10 * digit(xi, 10));
            assertEquals(b, digit(xi, 20) + 10 * digit(xi, 30));
            assertEquals(1f, xi.getFloat(40 + op));
            assertEquals(5f, xi.sumNumber().floatValue(), "exactly five ones");
            int res = digit(yi, 0) + 10 * digit(yi, 10);
            assertEquals(op == 0 ? (a + b) % 100 : (a * b) % 100, res);
            assertTrue(a >= 0 && a < 100 && b >= 0 && b < 100);
        }
        // fixed seeds: the same draws every time, different for train and validation
        assertEquals(t.train().column("x").getRow(7), AddMul.generate(5000, 500).train().column("x").getRow(7));
        assertNotEquals(t.train().column("a").getRow(0).add(t.train().column("b").getRow(0).mul(100)),
                t.valid().column("a").getRow(0).add(t.valid().column("b").getRow(0).mul(100)));
        Dataset plus = t.train(AddMul.Op.ADD), times = t.train(AddMul.Op.MUL);
        assertEquals(5000, plus.size() + times.size());
        assertEquals(0f, plus.column("op").sumNumber().floatValue());
        assertEquals(times.size(), times.column("op").sumNumber().intValue());
        assertTrue(Math.abs(plus.size() - 2500) < 200, "operations are drawn evenly: " + plus.size());
        assertEquals("+", plus.name());
    }

    @Test
    void doubleAddTargetsAndPairViews() {
        DoubleAdd t = DoubleAdd.generate(1000, 100);
        INDArray x = t.train().column("x"), y = t.train().column("y");
        for (int i = 0; i < 100; i++) {
            INDArray xi = x.getRow(i), yi = y.getRow(i);
            for (int p = 0; p < 2; p++) {
                int a = digit(xi, 40 * p) + 10 * digit(xi, 40 * p + 10), b = digit(xi, 40 * p + 20) + 10 * digit(xi, 40 * p + 30);
                assertEquals((a + b) % 100, digit(yi, 20 * p) + 10 * digit(yi, 20 * p + 10));
            }
        }
        Dataset p1 = DoubleAdd.pair(t.train(), 1);
        assertEquals(0f, p1.column("x").getRow(3).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(40, 80)).sumNumber().floatValue());
        assertEquals(0f, p1.column("y").getRow(3).get(org.nd4j.linalg.indexing.NDArrayIndex.interval(20, 40)).sumNumber().floatValue());
        assertEquals(4f, p1.column("x").getRow(3).sumNumber().floatValue());
        assertThrows(IllegalArgumentException.class, () -> DoubleAdd.pair(t.train(), 3));
    }

    @Test
    void copyWeightControlMakesPairOneUseExactlyPairTwosPathway() {
        Model m = PairwiseMlp.of(2, 40, new int[]{16, 8}, 2, 10, 3);
        org.modmask.nn.PairwiseMlp.copyPair2ToPair1(m);
        // the same numbers in both pairs must now give the same output digits in both slots
        float[] row = new float[80];
        int[] v = {37, 58};
        for (int p = 0; p < 2; p++) {
            row[40 * p + v[0] % 10] = 1;
            row[40 * p + 10 + v[0] / 10] = 1;
            row[40 * p + 20 + v[1] % 10] = 1;
            row[40 * p + 30 + v[1] / 10] = 1;
        }
        INDArray logits = m.logits(Map.of("x", Nd4j.create(row, new long[]{1, 80}, 'c')));
        assertEquals(logits.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20)),
                logits.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(20, 40)));
    }
}
