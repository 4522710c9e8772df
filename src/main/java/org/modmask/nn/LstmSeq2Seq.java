package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * The LSTM encoder-decoder of the SCAN experiment (spec §3.3), without attention: embeddings (dropout) → a
 * multi-layer LSTM encoder whose final (h, c) at each sequence's true length initializes the decoder LSTM →
 * {@code output_projection}. Training feeds the decoder the true previous action on a random half of the batches
 * (teacher forcing) and its own previous argmax on the other half; evaluation always decodes greedily, so the
 * model's logits at test time are the greedy decoding and {@link Seq2Seq#teacherForcedExactMatch()} on them is
 * the sequence-level exact-match accuracy. Loss: cross-entropy summed over the target positions (including EOS),
 * averaged over the batch.
 * <p>The graph is unrolled for fixed lengths: batches must have {@code src} [B, srcLen] and {@code tgt_*}
 * [B, tgtLen] (see {@link org.modmask.data.Scan#toDataset(String, java.util.List, int, int)}). Parameters:
 * {@code encoder.embedding.weight}, {@code encoder.lstm.L.*}, {@code decoder.embedding.weight},
 * {@code decoder.lstm.L.*}, {@code output_projection.weight/bias}.
 */
public final class LstmSeq2Seq {
    /** Sizes; {@link #scan(int, int)} is the paper's. Vocabularies include the EOS/SOS token. */
    public record Config(int srcVocab, int tgtVocab, int embedding, int hidden, int layers, double dropout, int srcLen, int tgtLen) {
        /** Embedding 16, 2 × 200 LSTM, dropout 0.5; SCAN's longest command (9 words + EOS) and action sequence (48 + EOS). */
        public static Config scan(int srcVocab, int tgtVocab) {
            return new Config(srcVocab, tgtVocab, 16, 200, 2, 0.5, 10, 49);
        }

        public Config withHidden(int h) {
            return new Config(srcVocab, tgtVocab, embedding, h, layers, dropout, srcLen, tgtLen);
        }

        public Config withDropout(double p) {
            return new Config(srcVocab, tgtVocab, embedding, hidden, layers, p, srcLen, tgtLen);
        }

        public Config withLengths(int src, int tgt) {
            return new Config(srcVocab, tgtVocab, embedding, hidden, layers, dropout, src, tgt);
        }
    }

    private LstmSeq2Seq() {
    }

    public static Model of(Config c, long seed) {
        if (c.srcLen() < 1 || c.tgtLen() < 1) throw new IllegalArgumentException("sequence lengths must be >= 1, got " + c.srcLen() + " and " + c.tgtLen());
        return Graph.make(seed, g -> of(g, c));
    }

    static Model of(Graph g, Config c) {
        SameDiff sd = g.sd();
        int e = c.embedding(), h = c.hidden();
        SDVariable src = g.input("src", -1, c.srcLen()), srcMask = g.input("src_mask", -1, c.srcLen());
        SDVariable tgtIn = g.input("tgt_in", -1, c.tgtLen()), tgtOut = g.input("tgt_out", -1, c.tgtLen()), tgtMask = g.input("tgt_mask", -1, c.tgtLen());
        // 1: the true previous action (teacher forcing), 0: the decoder's own previous argmax; drawn per batch
        SDVariable teacher = g.aux("teacher", (b, training, rng) -> Nd4j.scalar(g.dataType(), training && rng.nextBoolean() ? 1 : 0).reshape(1, 1), 1, 1);

        SDVariable srcTable = g.param("encoder.embedding.weight", g.init().normal(1.0, c.srcVocab(), e));
        SDVariable srcEmb = g.dropout("encoder.embedding", Embedding.lookup(g, src, srcTable, c.srcVocab(), e), c.dropout(), c.srcLen(), e);
        // The encoder runs over the padding too (an LSTM is causal, so states up to each true length are unaffected)
        // and each layer's final (h, c) is picked at the last real position: three ops per layer instead of masking
        // every step, since SameDiff's cost here is per op.
        Lstm.Cells encoder = Lstm.cells(g, "encoder.lstm", e, h, c.layers()).dropout(c.dropout());
        List<List<SDVariable>> hSteps = new ArrayList<>(), cSteps = new ArrayList<>();
        for (int l = 0; l < c.layers(); l++) {
            hSteps.add(new ArrayList<>());
            cSteps.add(new ArrayList<>());
        }
        List<SDVariable> hs = null, cs = null;
        SDVariable[] srcSteps = sd.unstack(srcEmb, 1, c.srcLen());                               // one op for all steps
        for (int t = 0; t < c.srcLen(); t++) {
            Lstm.Step s = encoder.step(srcSteps[t], hs, cs, null);
            hs = s.h();
            cs = s.c();
            for (int l = 0; l < c.layers(); l++) {
                hSteps.get(l).add(hs.get(l));
                cSteps.get(l).add(cs.get(l));
            }
        }
        SDVariable last = lastPosition(g, srcMask, c.srcLen());                                  // [B, S, 1]
        hs = new ArrayList<>();
        cs = new ArrayList<>();
        for (int l = 0; l < c.layers(); l++) {
            hs.add(sd.stack(1, hSteps.get(l).toArray(new SDVariable[0])).mul(last).sum(1));
            cs.add(sd.stack(1, cSteps.get(l).toArray(new SDVariable[0])).mul(last).sum(1));
        }

        SDVariable tgtTable = g.param("decoder.embedding.weight", g.init().normal(1.0, c.tgtVocab(), e));
        SDVariable wOut = g.param("output_projection.weight", g.init().torchDefault(h, c.tgtVocab(), h));
        SDVariable bOut = g.param("output_projection.bias", g.init().torchDefault(h, c.tgtVocab()));
        Lstm.Cells dec = Lstm.cells(g, "decoder.lstm", e, h, c.layers());
        // all steps at once; (unstack, not a point slice per step: strided_slice's backward fails for t ≥ 16 in M2.1)
        SDVariable[] given = sd.unstack(Embedding.lookup(g, tgtIn, tgtTable, c.tgtVocab(), e), 1, c.tgtLen());
        SDVariable notTeacher = teacher.rsub(1.0);
        List<SDVariable> logits = new ArrayList<>();
        SDVariable prev = null;
        for (int t = 0; t < c.tgtLen(); t++) {
            SDVariable x = given[t];                                                                // [B, e]
            if (prev != null) {       // the decoder's own previous argmax, embedded
                SDVariable own = sd.mmul(sd.oneHot(sd.argmax(prev, 1).castTo(DataType.INT32), c.tgtVocab()).castTo(g.dataType()), tgtTable);
                x = x.mul(teacher).add(own.mul(notTeacher));
            }
            x = g.dropout("decoder.embedding." + t, x, c.dropout(), e);
            Lstm.Step s = dec.step(x, hs, cs, null);
            hs = s.h();
            cs = s.c();
            prev = sd.mmul(s.output(), wOut, false, true, false).add(bOut);                 // [B, V]
            logits.add(prev);
        }
        SDVariable all = g.named(sd.stack(1, logits.toArray(new SDVariable[0])), "logits");     // [B, T, V]
        SDVariable logp = Losses.logSoftmax(sd, all, 2);
        SDVariable target = sd.oneHot(tgtOut.castTo(DataType.INT32), c.tgtVocab()).castTo(g.dataType());
        SDVariable loss = g.named(logp.mul(target).sum(2).neg().mul(tgtMask).sum(1).mean(), "loss");
        return g.build(String.format("LSTM encoder-decoder %d×%d", c.layers(), h), loss, all, Seq2Seq.teacherForcedExactMatch(), "tgt_out", "tgt_mask");
    }

    /** [B, S, 1]: 1 at each sequence's last real position (the mask is a prefix of ones), else 0. */
    private static SDVariable lastPosition(Graph g, SDVariable mask, int len) {
        SDVariable next = len == 1 ? mask.mul(0)
                : g.sd().concat(1, mask.get(SDIndex.all(), SDIndex.interval(1, len)), mask.get(SDIndex.all(), SDIndex.interval(0, 1)).mul(0));
        return mask.sub(next).reshape(-1, len, 1);
    }
}
