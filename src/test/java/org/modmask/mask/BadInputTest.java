package org.modmask.mask;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.Toy;
import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.nn.Mlp;
import org.modmask.train.Progress;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** Each bad input fails fast with a message that names the offending value. */
class BadInputTest {
    static Model m;

    @BeforeAll
    static void setUp() {
        Progress.Factory.quiet(true);
        m = Mlp.classifier(20, new int[]{8}, 10, 3);
    }

    static void failsNaming(Class<? extends Throwable> type, String part, org.junit.jupiter.api.function.Executable e) {
        Throwable t = assertThrows(type, e);
        assertTrue(t.getMessage().contains(part), "message should name '" + part + "': " + t.getMessage());
    }

    @Test
    void unknownParameterName() {
        failsNaming(IllegalArgumentException.class, "layers.7.weight", () -> Masks.of(m).params("layers.7.weight"));
    }

    @Test
    void emptySelection() {
        failsNaming(IllegalArgumentException.class, "empty", () -> Masks.of(m).params(List.of()));
        failsNaming(IllegalArgumentException.class, "empty", () -> Masks.of(m).filter(p -> false).selected());
    }

    @Test
    void kThatDoesNotDivideTheBatch() {
        failsNaming(IllegalArgumentException.class, "K = 3", () -> Masks.of(m).samples(3).train(Toy.addMod10()));
        failsNaming(IllegalArgumentException.class, "100", () -> Masks.of(m).batchSize(100).samples(8).train(Toy.addMod10()));
        assertDoesNotThrow(() -> Masks.of(m).samples(3).batchSize(96), "K and the batch size may be set in either order");
    }

    @Test
    void negativeBeta() {
        failsNaming(IllegalArgumentException.class, "-0.5", () -> Masks.of(m).beta(-0.5));
    }

    @Test
    void maskOfAnotherShape() {
        Model other = Mlp.classifier(20, new int[]{16}, 10, 3);
        WeightMask mm = WeightMask.constant("x", other, List.of("layers.0.weight"), 1);
        failsNaming(IllegalArgumentException.class, "[16, 20]", () -> mm.apply(m));
    }

    @Test
    void nonFiniteLoss() {
        Dataset d = Toy.addMod10();
        float[] nan = new float[d.size() * 10];
        java.util.Arrays.fill(nan, Float.NaN);      // (ND4J's scalar ops and ReLU would hide a NaN)
        Dataset bad = d.with("y", Nd4j.create(nan, new long[]{d.size(), 10}, 'c'));
        failsNaming(ArithmeticException.class, "NaN", () -> Masks.of(m).batchSize(8).steps(1).train(bad));
        // and the frozen weights survive the failure
        assertFalse(m.get("layers.0.weight").isNaN().any());
    }

    @Test
    void missingInput() {
        failsNaming(IllegalArgumentException.class, "'y'", () -> m.step(Map.of("x", Nd4j.zeros(2, 20)), List.of("layers.0.weight")));
    }
}
