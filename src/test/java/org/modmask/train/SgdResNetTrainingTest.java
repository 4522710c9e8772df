package org.modmask.train;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.data.Cifar10;
import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.nn.ResNet;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The ResNet recipe's pieces: PyTorch's SGD, the learning-rate drops, crops and flips, resuming with running statistics. */
class SgdResNetTrainingTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void sgdMatchesPyTorchsFormula() {
        INDArray w = Nd4j.createFromArray(1.0f, -2.0f);
        Map<String, INDArray> p = new LinkedHashMap<>(Map.of("w", w));
        Sgd sgd = new Sgd(0.1, 0.9, 0.01);
        sgd.step(p, new LinkedHashMap<>(Map.of("w", Nd4j.createFromArray(0.5f, 0.5f))), 1);
        // g = 0.5 + 0.01·1 = 0.51, v = 0.51, w = 1 − 0.051
        assertEquals(0.949, w.getDouble(0), 1e-6);
        sgd.step(p, new LinkedHashMap<>(Map.of("w", Nd4j.createFromArray(0.5f, 0.5f))), 1);
        // g = 0.5 + 0.00949 = 0.50949, v = 0.9·0.51 + 0.50949 = 0.96849, w = 0.949 − 0.096849
        assertEquals(0.852151, w.getDouble(0), 1e-6);
        assertThrows(IllegalArgumentException.class, () -> new Sgd(0.1, 1.0, 0));
        Train t = Train.of(ResNet.cifar(1, 10, 1)).lr(0.1).lrDrops(32_000, 48_000);
        assertEquals(0.1, t.lrAt(31_999), 1e-12);
        assertEquals(0.01, t.lrAt(32_000), 1e-12);
        assertEquals(0.001, t.lrAt(48_000), 1e-12);
    }

    @Test
    void cropsAndFlipsMoveOnePixelAndAreReproducible() {
        INDArray x = Nd4j.zeros(DataType.FLOAT, 4, 3072);
        for (int i = 0; i < 4; i++) x.putScalar(i, 1024 + 16 * 32 + 16, 1);      // green, row 16, column 16
        var aug = Cifar10.cropAndFlip(7);
        Map<String, INDArray> a = aug.apply(Map.of("x", x), 3), b = aug.apply(Map.of("x", x), 3);
        assertEquals(a.get("x"), b.get("x"), "the same (seed, step) gives the same batch");
        for (int i = 0; i < 4; i++) {
            INDArray row = a.get("x").getRow(i);
            assertEquals(1, row.sumNumber().intValue(), "the pixel is moved, not lost (it is 4 pixels from the edge at most)");
            int at = row.argMax().getInt(0);
            assertEquals(1, at / 1024, "channels stay");
            int yy = (at % 1024) / 32, xx = at % 32;
            assertTrue(Math.abs(yy - 16) <= 4, "row shift at most 4");
            assertTrue(Math.abs(xx - 16) <= 4 || Math.abs(xx - 15) <= 4, "column shift at most 4, or the mirrored column");
        }
        assertNotEquals(a.get("x"), aug.apply(Map.of("x", x), 4).get("x"), "another step, other crops");
    }

    @Test
    void resumingWithSgdAndBatchNormIsExact(@TempDir Path dir) {
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.randn(DataType.FLOAT, 16, 3072), y = Nd4j.zeros(16, 10);
        for (int i = 0; i < 16; i++) y.putScalar(i, i % 10, 1);
        Dataset d = Dataset.of("tiny", "x", x, "y", y);
        Model straight = ResNet.cifar(1, 10, 4);
        Train.of(straight).sgd(0.9, 1e-4).lr(0.05).batchSize(8).steps(6).run(d);
        Model resumed = ResNet.cifar(1, 10, 4);
        Path ckpt = dir.resolve("r.ckpt");
        Train.of(resumed).sgd(0.9, 1e-4).lr(0.05).batchSize(8).steps(3).checkpoint(ckpt).run(d);
        Model again = ResNet.cifar(1, 10, 4);
        Train.of(again).sgd(0.9, 1e-4).lr(0.05).batchSize(8).steps(6).checkpoint(ckpt).run(d);
        var a = straight.snapshot();
        var b = again.snapshot();
        assertTrue(a.containsKey("bn1.running_mean"));
        for (String n : a.keySet()) assertTrue(a.get(n).equalsWithEps(b.get(n), 1e-5), n + " differs after resuming");
    }
}
