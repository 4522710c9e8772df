package org.modmask.analysis;

import org.junit.jupiter.api.Test;
import org.modmask.data.Dataset;
import org.modmask.mask.WeightMask;
import org.modmask.nn.Mlp;
import org.modmask.nn.Model;
import org.modmask.nn.SimpleCnn;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.Table;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The activation cache and one-line ablations, on a small MLP and a small CNN. */
class ActivationsTest {
    static Dataset data(int n, int in, int classes) {
        Nd4j.getRandom().setSeed(3);
        INDArray x = Nd4j.rand(DataType.FLOAT, n, in).subi(0.5).muli(4);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, classes);
        for (int i = 0; i < n; i++) y.putScalar(i, i % classes, 1);
        return Dataset.of("random", "x", x, "y", y);
    }

    @Test
    void cachesEveryNamedActivationOverBatches() {
        Model m = Mlp.classifier(6, new int[]{5, 4}, 3, 1);
        assertEquals(List.of("hidden.0", "hidden.1", "logits"), m.activationNames());
        Dataset d = data(300, 6, 3);
        Activations a = Activations.of(m, d, 300);          // 300 rows: two batches of the cache
        assertArrayEquals(new long[]{300, 5}, a.get("hidden.0").shape());
        assertEquals(m.logits(d.slice(0, 300)), a.get("logits"), "the cache holds what the model outputs");
        Table u = a.units();
        assertEquals(5 + 4 + 3, u.rowCount());
        assertEquals(a.get("hidden.1").getColumn(2).meanNumber().doubleValue(), u.doubleColumn("mean").getDouble(5 + 2), 1e-4);
        m.freeBuffers();                                    // the next call allocates afresh and gives the same values
        assertEquals(a.get("logits"), Activations.of(m, d, 300).get("logits"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.get("hidden.7"));
        assertTrue(e.getMessage().contains("hidden.0"), e.getMessage());
    }

    @Test
    void aMaskThatCutsAUnitsInputsSilencesIt() {
        Model m = Mlp.classifier(6, new int[]{5, 4}, 3, 1);
        Dataset d = data(200, 6, 3);
        Map<String, INDArray> logits = new LinkedHashMap<>();
        INDArray w0 = Nd4j.ones(DataType.FLOAT, 5, 6);
        w0.getRow(1).assign(-1);                            // unit 1 of hidden.0 loses every input weight
        logits.put("layers.0.weight", w0);
        logits.put("layers.0.bias", Nd4j.ones(DataType.FLOAT, m.param("layers.0.bias").shape()));
        logits.get("layers.0.bias").putScalar(1, -1);
        WeightMask mask = new WeightMask("cut", logits);
        Activations before = Activations.of(m, d, 200), after = Activations.of(m, mask, d, 200);
        Table t = Activations.compare(before, after);
        int row = 1;                                        // hidden.0, unit 1
        assertEquals("hidden.0", t.stringColumn("activation").get(row));
        assertEquals(0, t.doubleColumn("active % after").getDouble(row));
        assertEquals(before.get("hidden.0").getColumn(1).gt(0).castTo(DataType.FLOAT).sumNumber().doubleValue() > 0,
                t.booleanColumn("silenced").get(row));
        assertEquals(before.get("hidden.0").getColumn(0), after.get("hidden.0").getColumn(0), "the other units are untouched");
    }

    @Test
    void zeroAndMeanAblationAreExactAndRestored() {
        Model m = Mlp.classifier(6, new int[]{5, 4}, 3, 1);
        Dataset d = data(100, 6, 3);
        INDArray w = m.get("layers.1.weight").dup(), b = m.get("layers.1.bias").dup();
        Activations base = Activations.of(m, d, 100);
        try (var off = Ablation.zero(m, "layers.1", 0, 2)) {
            Activations a = Activations.of(m, d, 100);
            assertEquals(0, a.get("hidden.1").getColumn(0).amaxNumber().doubleValue());
            assertEquals(0, a.get("hidden.1").getColumn(2).amaxNumber().doubleValue());
            assertEquals(base.get("hidden.1").getColumn(1), a.get("hidden.1").getColumn(1));
        }
        assertEquals(w, m.get("layers.1.weight"), "restored bit for bit");
        assertEquals(b, m.get("layers.1.bias"));
        double[] means = base.means("hidden.1");
        try (var avg = Ablation.mean(m, "layers.1", means, 3)) {
            INDArray col = Activations.of(m, d, 100).get("hidden.1").getColumn(3);
            assertEquals(means[3], col.minNumber().doubleValue(), 1e-6);
            assertEquals(means[3], col.maxNumber().doubleValue(), 1e-6);
        }
        assertThrows(IllegalArgumentException.class, () -> Ablation.zero(m, "layers.1", 4), "hidden.1 has 4 units");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ablation.zero(m, "hidden.1", 0));
        assertTrue(e.getMessage().contains("layers.1.weight"), e.getMessage());
    }

    @Test
    void aCnnsChannelsAreUnits() {
        Model m = SimpleCnn.cifar(false, new int[]{2, 3, 2, 2}, 1);
        assertTrue(m.activationNames().containsAll(List.of("conv.0.out", "conv.1.out", "conv.2.out", "conv.3.out", "logits")), m.activationNames().toString());
        Dataset d = data(8, 3 * 32 * 32, 10);
        try (var off = Ablation.zero(m, "conv.1", 1)) {
            Activations a = Activations.of(m, d, 8, "conv.1.out");
            assertArrayEquals(new long[]{8, 3, 8, 8}, a.get("conv.1.out").shape());
            assertEquals(0, a.means("conv.1.out")[1], 0);
            assertEquals(3, a.units().rowCount(), "one unit per channel");
        }
    }
}
