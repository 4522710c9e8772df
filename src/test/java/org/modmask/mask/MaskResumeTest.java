package org.modmask.mask;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.Toy;
import org.modmask.data.Dataset;
import org.modmask.nn.LstmClassifier;
import org.modmask.nn.Mlp;
import org.modmask.nn.Model;
import org.modmask.train.Progress;
import org.modmask.train.Train;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/** A mask training stopped at step k and run again ends bit-identical to one that was never stopped. */
class MaskResumeTest {
    static Dataset d;

    @BeforeAll
    static void setUp() {
        Progress.Factory.quiet(true);
        d = Toy.addMod10();
    }

    /** Trains straight through, then stopped at step 23 and resumed from the saved state; the logits must agree exactly. */
    static void stoppedAndResumedEqualsStraight(Path dir, Model m, Supplier<Masks> settings, Supplier<GradientCarry> carry) {
        stoppedAndResumedEqualsStraight(dir, m, settings, carry, d);
    }

    static void stoppedAndResumedEqualsStraight(Path dir, Model m, Supplier<Masks> settings, Supplier<GradientCarry> carry, Dataset d) {
        Masks straight = settings.get();
        GradientCarry c0 = carry.get();
        if (c0 != null) straight.carry(c0);
        WeightMask a = straight.train(d);

        Path state = dir.resolve(m.kind().replaceAll("\\W", "_") + ".state");
        Masks first = settings.get().checkpoint(state);
        if (c0 != null) first.carry(carry.get());
        first.stopAt = 23;
        var stop = assertThrows(CancellationException.class, () -> first.train(d));
        assertTrue(stop.getMessage().contains("run it again to resume") && Files.exists(state), stop.getMessage());

        Masks again = settings.get().checkpoint(state);
        GradientCarry c1 = carry.get();
        if (c1 != null) again.carry(c1);
        var old = System.out;
        var out = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(out, true));
        WeightMask b;
        try {
            b = again.train(d);
        } finally {
            System.setOut(old);
        }
        assertTrue(out.toString().contains("resuming at step 23 of"), "it went on from the saved step: " + out);
        for (String p : a.params()) assertEquals(a.logits(p), b.logits(p), m.kind() + ": logits of " + p + " bit for bit");
        if (c0 != null) {
            assertEquals(c0.norm(), c1.norm(), 0.0, "the carried gradient G too");
            assertEquals(c0.meanFactor(), c1.meanFactor(), 0.0, "and the clip factors");
        }
    }

    @Test
    void logitClippingResumesExactly(@TempDir Path dir) {
        Model m = Mlp.classifier(20, new int[]{16}, 10, 3);
        stoppedAndResumedEqualsStraight(dir, m, () -> Masks.of(m).steps(60).batchSize(32).clipping(Clipping.LOGITS).clip(0.05), () -> null);
    }

    @Test
    void faithfulClippingResumesExactlyWithItsCarriedGradient(@TempDir Path dir) {
        Model m = Mlp.classifier(20, new int[]{16}, 10, 3);
        Train t = Train.of(m).steps(30).batchSize(32);
        t.run(d);
        stoppedAndResumedEqualsStraight(dir, m, () -> Masks.of(m).steps(60).batchSize(32).clip(0.05),
                () -> GradientCarry.fromBase(t.lastGradient()));
    }

    @Test
    void aSequenceModelResumesExactly(@TempDir Path dir) {
        Model m = LstmClassifier.of(20, 6, 2, 3, 1, 10, 4);
        stoppedAndResumedEqualsStraight(dir, m, () -> Masks.of(m).steps(40).batchSize(32), () -> null);
    }

    @Test
    void aStateOfOtherSettingsIsRefusedAndAFinishedOneLoads(@TempDir Path dir) {
        Model m = Mlp.classifier(20, new int[]{16}, 10, 3);
        Path state = dir.resolve("m.state");
        WeightMask done = Masks.of(m).steps(20).batchSize(32).checkpoint(state).train(d);
        var e = assertThrows(IllegalStateException.class, () -> Masks.of(m).steps(20).batchSize(32).beta(3e-4).checkpoint(state).train(d));
        assertTrue(e.getMessage().contains("beta") && e.getMessage().contains(state.toString()), e.getMessage());
        var old = System.out;
        var out = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(out, true));
        WeightMask loaded;
        try {
            loaded = Masks.of(m).steps(20).batchSize(32).checkpoint(state).train(d);
        } finally {
            System.setOut(old);
        }
        assertTrue(out.toString().contains("loaded at step 20 of 20"), out.toString());
        for (String p : done.params()) assertEquals(done.logits(p), loaded.logits(p));
    }

    @Test
    void aFinishedStateExtendsToMoreStepsAsOneLongerRun(@TempDir Path dir) {
        Model m = Mlp.classifier(20, new int[]{16}, 10, 3);
        WeightMask straight = Masks.of(m).steps(50).batchSize(32).clip(0.05).clipping(Clipping.LOGITS).train(d);
        Path state = dir.resolve("m.state");
        Masks.of(m).steps(30).batchSize(32).clip(0.05).clipping(Clipping.LOGITS).checkpoint(state).train(d);
        var old = System.out;
        var out = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(out, true));
        WeightMask extended;
        try {
            extended = Masks.of(m).steps(50).batchSize(32).clip(0.05).clipping(Clipping.LOGITS).checkpoint(state).train(d);
        } finally {
            System.setOut(old);
        }
        assertTrue(out.toString().contains("resuming at step 30 of 50"), out.toString());
        for (String p : straight.params()) assertEquals(straight.logits(p), extended.logits(p), "logits of " + p + " bit for bit");
        var e = assertThrows(IllegalStateException.class, () -> Masks.of(m).steps(40).batchSize(32).clip(0.05).clipping(Clipping.LOGITS).checkpoint(state).train(d));
        assertTrue(e.getMessage().contains("past the 40 steps"), e.getMessage());
    }
}
