package org.modmask.mask;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.data.Dataset;
import org.modmask.data.Scan;
import org.modmask.nn.LstmSeq2Seq;
import org.modmask.nn.Model;
import org.modmask.train.Progress;
import org.modmask.train.Train;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Masks of the SCAN LSTM train as the reference's do (spec §1.5): the model in training mode, so that the decoder gets
 * teacher forcing on a random half of the batches, with dropout off; the model comes back in the mode it was in.
 */
class TrainingModeMasksTest {
    static final LstmSeq2Seq.Config C = new LstmSeq2Seq.Config(14, 7, 8, 16, 1, 0.5, 10, 7);
    static Dataset d;

    @BeforeAll
    static void setUp() {
        Progress.Factory.quiet(true);
        var scan = Scan.load();
        d = scan.toDataset("short", scan.pairs(Scan.Split.SIMPLE, true).stream().filter(p -> p.out().size() <= 6).limit(64).toList(), 10, 7);
    }

    @Test
    void dropoutOffKeepsTheOtherTrainingModeDraws() {
        Model m = LstmSeq2Seq.of(C, 3);
        Map<String, INDArray> batch = d.slice(0, 8);
        m.training(true).dropout(false);
        int teacher = 0;
        for (int i = 0; i < 40; i++) {
            var feed = m.feed(batch, true);
            for (var e : feed.entrySet())
                if (e.getKey().startsWith("dropout.")) assertEquals(1.0, e.getValue().minNumber().doubleValue(), 0, e.getKey() + " keeps every unit");
            teacher += feed.get("teacher").getInt(0);
        }
        assertTrue(teacher > 5 && teacher < 35, "teacher forcing still drawn per batch: " + teacher + " of 40");
        m.dropout(true);
        double least = 1;
        for (var e : m.feed(batch, true).entrySet())
            if (e.getKey().startsWith("dropout.")) least = Math.min(least, e.getValue().minNumber().doubleValue());
        assertEquals(0.0, least, 0, "with dropout on, training mode drops units");
    }

    @Test
    void trainingModeChangesTheMaskRestoresTheModelAndIsASetting() {
        Model m = LstmSeq2Seq.of(C, 3);
        Train.of(m).steps(30).batchSize(16).lr(1e-2).run(d);
        m.training(false);
        WeightMask greedy = Masks.of(m).steps(30).batchSize(16).lr(0.1).train(d);
        Masks teacher = Masks.of(m).steps(30).batchSize(16).lr(0.1).trainingMode(true);
        WeightMask forced = teacher.train(d);
        assertFalse(m.isTraining(), "evaluation mode again after the masks");
        assertTrue(m.dropoutOn(), "dropout switched back on for later training");
        boolean differ = false;
        for (String p : greedy.params()) differ |= !greedy.logits(p).equals(forced.logits(p));
        assertTrue(differ, "teacher forcing on half of the batches changes the gradients, so the masks");
        assertEquals("training, dropout off", teacher.settingsMap().get("model-mode"));
        assertNull(Masks.of(m).settingsMap().get("model-mode"), "the default adds no key, so earlier masks' names stay valid");
    }

    @Test
    void aTrainingModeMaskResumesExactly(@TempDir Path dir) {
        Model m = LstmSeq2Seq.of(C, 3);
        MaskResumeTest.stoppedAndResumedEqualsStraight(dir, m, () -> Masks.of(m).steps(40).batchSize(16).lr(0.1).clip(5).trainingMode(true), () -> null, d);
    }

    @Test
    void aModelWithRunningStatisticsIsRefused() {
        Model m = org.modmask.nn.ResNet.cifar(1, 10, 3);          // batch normalization: training mode would move its statistics
        var e = assertThrows(IllegalArgumentException.class, () -> Masks.of(m).steps(1).trainingMode(true).train(d));
        assertTrue(e.getMessage().contains("running statistics"), e.getMessage());
    }
}
