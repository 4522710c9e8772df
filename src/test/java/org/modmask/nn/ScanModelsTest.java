package org.modmask.nn;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.modmask.data.Dataset;
import org.modmask.data.Scan;
import org.modmask.train.Eval;
import org.modmask.train.Progress;
import org.modmask.train.Train;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** The SCAN encoder-decoders: they overfit a handful of real SCAN pairs exactly; padding is ignored; greedy decoding. */
class ScanModelsTest {
    static final Scan SCAN = Scan.load();

    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    /** Eight short pairs of the simple split's training file. */
    static List<Scan.Pair> few() {
        return SCAN.pairs(Scan.Split.SIMPLE, true).stream().filter(p -> p.out().size() <= 6).limit(8).toList();
    }

    @Test
    void lstmEncoderDecoderOverfitsScanPairsAndDecodesThemGreedily() {
        var c = new LstmSeq2Seq.Config(14, 7, 16, 48, 2, 0, 10, 7);
        Model m = LstmSeq2Seq.of(c, 3);
        Dataset d = SCAN.toDataset("few", few(), 10, 7);
        Train.of(m).steps(400).batchSize(8).lr(1e-2).run(d);
        // in evaluation the decoder feeds back its own argmax: accuracy is greedy sequence-level exact match
        assertEquals(1.0, Eval.accuracy(m, d), 1e-9, "greedy decoding must reproduce every training pair");
    }

    @Test
    void transformerOverfitsScanPairsAndDecodesThemGreedily() {
        var c = new Transformer.Config(14, 7, 32, 4, 1, 1, 64, 0, false);
        Model m = Transformer.of(c, 3);
        Dataset d = SCAN.toDataset("few", few());
        Train.of(m).steps(300).batchSize(8).lr(3e-3).run(d);
        Map<String, INDArray> all = d.slice(0, d.size());
        INDArray decoded = Seq2Seq.greedy(m, all, (int) d.column("tgt_out").size(1) + 1, SCAN.outEos(), SCAN.outEos());
        assertEquals(d.size(), Seq2Seq.exactMatches(decoded, all), "greedy decoding of the training pairs: " + decoded);
        assertEquals(SCAN.decode(d.column("tgt_out").getRow(0)), SCAN.decode(decoded.getRow(0)));
        assertEquals(1.0, Seq2Seq.greedyAccuracy(SCAN.outEos(), SCAN.outEos()).applyAsDouble(m, d), 0,
                "length-sorted greedy accuracy over the dataset");
        Dataset shuffledTargets = d.with("tgt_out", d.column("tgt_out").getRows(1, 2, 3, 4, 5, 6, 7, 0));
        assertTrue(Seq2Seq.greedyAccuracy(SCAN.outEos(), SCAN.outEos()).applyAsDouble(m, shuffledTargets) < 1,
                "other targets are not matched");
    }

    @Test
    void paddedPositionsChangeNothing() {
        var c = new LstmSeq2Seq.Config(14, 7, 8, 16, 2, 0, 10, 7);
        Model lstm = LstmSeq2Seq.of(c, 5);
        Model trafo = Transformer.of(new Transformer.Config(14, 7, 16, 2, 1, 1, 32, 0, false), 5);
        Dataset d = SCAN.toDataset("few", few(), 10, 7);
        for (Model m : List.of(lstm, trafo)) {
            Map<String, INDArray> b = d.slice(0, d.size());
            INDArray logits = m.logits(b).dup();
            double loss = m.loss(b);
            Map<String, INDArray> noisy = new java.util.HashMap<>(b);
            // other tokens where the masks are 0: commands after EOS, targets after EOS
            noisy.put("src", b.get("src").add(b.get("src_mask").rsub(1).mul(5)));
            noisy.put("tgt_out", b.get("tgt_out").add(b.get("tgt_mask").rsub(1).mul(3)));
            assertEquals(loss, m.loss(noisy), 1e-5, m.kind() + ": loss must ignore padded target positions");
            INDArray valid = b.get("tgt_mask").reshape(d.size(), 7, 1);
            assertTrue(logits.mul(valid).equalsWithEps(m.logits(noisy).mul(valid), 1e-5), m.kind() + ": outputs must ignore padded commands");
        }
    }

    @Test
    void greedyDecodingOfAHandBuiltModel() {
        // next token = previous token + 1 (mod 4); SOS = 0, EOS = 3: from SOS the model writes 1, 2, EOS
        Model m = Graph.make(1, g -> {
            SDVariable tgtIn = g.input("tgt_in", -1, -1);
            INDArray shift = Nd4j.zeros(4, 4);
            for (int i = 0; i < 4; i++) shift.putScalar(i, (i + 1) % 4, 10);
            SDVariable w = g.param("shift.weight", shift);
            SDVariable logits = g.named(Embedding.lookup(g, tgtIn, w, 4, 4), "logits");
            return g.build("shift", logits.sum(), logits, Seq2Seq.teacherForcedExactMatch());
        });
        Map<String, INDArray> batch = Map.of("src", Nd4j.zeros(2, 1));
        INDArray out = Seq2Seq.greedy(m, batch, 5, 0, 3);
        assertArrayEquals(new float[]{1, 2, 3, 3, 3}, out.getRow(0).toFloatVector(), "after EOS only EOS");
        Map<String, INDArray> target = Map.of("tgt_out", Nd4j.createFromArray(new float[][]{{1, 2, 3, 0}, {1, 1, 3, 0}}),
                "tgt_mask", Nd4j.createFromArray(new float[][]{{1, 1, 1, 0}, {1, 1, 1, 0}}));
        assertEquals(1, Seq2Seq.exactMatches(out, target), "only the first target matches");
    }
}
