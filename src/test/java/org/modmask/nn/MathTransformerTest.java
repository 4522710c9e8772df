package org.modmask.nn;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.data.Dataset;
import org.modmask.data.DmMath;
import org.modmask.mask.Masks;
import org.modmask.train.Progress;
import org.modmask.train.Train;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The character-level Mathematics Transformer (tied, scaled output embedding) overfits real question/answer pairs. */
class MathTransformerTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void overfitsAFewQuestionAnswerPairsAndDecodesThemGreedily() {
        DmMath math = DmMath.load(DmMath.Module.SORT);
        List<DmMath.Pair> few = math.train(DmMath.Difficulty.EASY).stream().filter(p -> p.answer().length() <= 10).limit(6).toList();
        Dataset d = math.toDataset("few", few);
        var c = new Transformer.Config(math.eos() + 1, math.eos() + 1, 48, 4, 1, 1, 96, 0, true);
        Model m = Transformer.of(c, 3);
        assertTrue(Masks.defaultFilter(m.parameters().stream().filter(p -> p.name().equals("embedding.weight")).findFirst().orElseThrow(), false)
                == false, "the tied table (input and output) is not masked");
        Train.of(m).steps(400).batchSize(6).lr(3e-3).run(d);
        Map<String, INDArray> all = d.slice(0, d.size());
        INDArray decoded = Seq2Seq.greedy(m, all, (int) d.column("tgt_out").size(1) + 1, math.eos(), math.eos());
        for (int i = 0; i < few.size(); i++)
            assertEquals(few.get(i).answer(), math.decode(decoded.getRow(i)), "answer to \"" + few.get(i).question() + "\"");
        assertEquals(1.0, Seq2Seq.greedyAccuracy(math.eos(), math.eos()).applyAsDouble(m, d), 0);
    }

    /**
     * Under teacher forcing, a sample whose every answer position (and EOS) is predicted right is exactly a sample
     * that greedy decoding gets right: each greedy step then sees the same prefix. So the one-pass metric the models
     * carry equals greedy exact match, also for a half-trained network that gets some answers wrong.
     */
    @Test
    void teacherForcedExactMatchEqualsGreedyExactMatch() {
        DmMath math = DmMath.load(DmMath.Module.ADD_OR_SUB);
        List<DmMath.Pair> some = math.train(DmMath.Difficulty.EASY).stream().filter(p -> p.answer().length() <= 4).limit(80).toList();
        Model m = Transformer.of(new Transformer.Config(math.eos() + 1, math.eos() + 1, 32, 4, 1, 1, 64, 0, true), 5);
        Train.of(m).steps(200).batchSize(20).lr(3e-3).run(math.toDataset("seen", some.subList(0, 40)));
        Dataset d = math.toDataset("seen and unseen", some);      // the 40 seen pairs mostly right, the others mostly not
        m.training(false);
        double greedy = Seq2Seq.greedyAccuracy(math.eos(), math.eos()).applyAsDouble(m, d);
        assertTrue(greedy > 0 && greedy < 1, "a half-trained network, got " + greedy);
        assertEquals(greedy, org.modmask.train.Eval.accuracy(m, d), 1e-12);
        double chars = Seq2Seq.tokenAccuracy().applyAsDouble(m, d);
        assertTrue(chars > greedy && chars < 1, "characters right (" + chars + ") exceed whole answers right (" + greedy + ")");
    }
}
