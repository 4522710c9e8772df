package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.function.Function;

/**
 * The reference Transformer encoder-decoder (spec §3.3): post-LN residual blocks with the reference's LayerNorm,
 * bias-free attention projections, ReLU feed-forward layers (Xavier init, gain √2 for {@code linear1}),
 * sinusoidal positions added to the embeddings (no √d scaling), separate input and output embeddings and
 * {@code output_map} (Xavier); or, for the Mathematics dataset (§3.4), one tied character table whose transpose,
 * scaled by √(1/d), is the output layer (named {@code embedding.weight}, so masks leave it alone). Always teacher-forced in training; {@link Seq2Seq#greedy} decodes.
 * <p>Batch columns, all [B, ·]: {@code src} ids and {@code src_mask} (1 = token, 0 = padding); {@code tgt_in}
 * ({@code [SOS, y₁..yₙ]}), {@code tgt_out} ({@code [y₁..yₙ, EOS]}) and {@code tgt_mask}. The loss is the
 * cross-entropy summed over valid target positions and averaged over the batch.
 */
public final class Transformer {
    /** Sizes and rates; {@link #scan()} gives the paper's SCAN configuration. */
    public record Config(int srcVocab, int tgtVocab, int d, int heads, int encoderLayers, int decoderLayers,
                         int ff, double dropout, boolean tiedEmbeddings) {
        /** d = 100, 4 heads, 3 + 3 layers, FF 200, dropout 0.1 (vocabularies include EOS/SOS). */
        public static Config scan(int srcVocab, int tgtVocab) {
            return new Config(srcVocab, tgtVocab, 100, 4, 3, 3, 200, 0.1, false);
        }

        /**
         * The Mathematics configuration (spec §3.4): d = 512, 8 heads, 6 + 6 layers, FF 2048, dropout 0.1, one
         * character table for input and output (vocabulary including EOS/SOS).
         */
        public static Config mathematics(int vocab) {
            return new Config(vocab, vocab, 512, 8, 6, 6, 2048, 0.1, true);
        }

        public Config {
            if (d <= 0 || heads <= 0 || d % heads != 0)
                throw new IllegalArgumentException("d must be a positive multiple of heads, got d=" + d + ", heads=" + heads);
            if (tiedEmbeddings && srcVocab != tgtVocab)
                throw new IllegalArgumentException("tied embeddings need one vocabulary, got srcVocab=" + srcVocab + ", tgtVocab=" + tgtVocab);
        }

        public Config withDropout(double p) {
            return new Config(srcVocab, tgtVocab, d, heads, encoderLayers, decoderLayers, ff, p, tiedEmbeddings);
        }
    }

    private Transformer() {
    }

    public static Model of(Config c, long seed) {
        return Graph.make(seed, g -> of(g, c));
    }

    static Model of(Graph g, Config c) {
        var sd = g.sd();
        SDVariable src = g.input("src", -1, -1), srcMask = g.input("src_mask", -1, -1);
        SDVariable tgtIn = g.input("tgt_in", -1, -1), tgtOut = g.input("tgt_out", -1, -1), tgtMask = g.input("tgt_mask", -1, -1);
        int d = c.d(), dh = d / c.heads();
        // Activations stay [B·T, d] rows from the embedding to the output layer: products, LayerNorm and residuals
        // need no reshapes, and the shapes that split rows into heads are computed once per pass, not per layer.
        SDVariable srcHeads = headShape(g, src, c.heads(), dh), tgtHeads = headShape(g, tgtIn, c.heads(), dh);
        SDVariable posSrc = g.aux("pos.src", (b, t, r) -> tiledPositions(b.get("src"), d).castTo(g.dataType()), -1, d);
        SDVariable posTgt = g.aux("pos.tgt", (b, t, r) -> tiledPositions(b.get("tgt_in"), d).castTo(g.dataType()), -1, d);
        SDVariable causal = g.aux("mask.causal", (b, t, r) -> {
            long n = b.get("tgt_in").size(1);
            return causal(n).reshape(1, 1, n, n).castTo(g.dataType());      // rank 4: ND4J broadcasts same-rank arrays only
        }, 1, 1, -1, -1);
        SDVariable srcKeys = g.aux("mask.src", (b, t, r) -> {
            INDArray m = b.get("src_mask");
            return m.rsub(1).muli(-1e9).reshape(m.size(0), 1, 1, m.size(1)).castTo(g.dataType());
        }, -1, 1, 1, -1);

        Function<Map<String, INDArray>, long[]> srcShape = b -> new long[]{b.get("src").length(), d};
        Function<Map<String, INDArray>, long[]> tgtShape = b -> new long[]{b.get("tgt_in").length(), d};
        Function<Map<String, INDArray>, long[]> tgtFf = b -> new long[]{b.get("tgt_in").length(), c.ff()};
        Function<Map<String, INDArray>, long[]> srcFf = b -> new long[]{b.get("src").length(), c.ff()};

        SDVariable inTable = g.param(c.tiedEmbeddings() ? "embedding.weight" : "input_embedding.weight",
                g.init().normal(1.0, c.srcVocab(), d));
        SDVariable outTable = c.tiedEmbeddings() ? inTable : g.param("output_embedding.weight", g.init().normal(1.0, c.tgtVocab(), d));

        // encoder
        SDVariable x = Embedding.rows(g, src, inTable, c.srcVocab()).add(posSrc);                   // [B·S, d]
        x = g.dropout("encoder.input", x, c.dropout(), srcShape);
        for (int l = 0; l < c.encoderLayers(); l++) {
            String p = "encoder.layers." + l;
            Function<Map<String, INDArray>, long[]> att = b -> new long[]{b.get("src").size(0), c.heads(), b.get("src").size(1), b.get("src").size(1)};
            SDVariable a = Attention.rows(g, p + ".self_attn", x, srcHeads, x, srcHeads, srcKeys, d, c.heads(), c.dropout(), att);
            x = LayerNorm.rows(g, p + ".norm1", x.add(g.dropout(p + ".drop1", a, c.dropout(), srcShape)), d);
            SDVariable f = feedForward(g, p, x, c, srcFf);
            x = LayerNorm.rows(g, p + ".norm2", x.add(g.dropout(p + ".drop2", f, c.dropout(), srcShape)), d);
        }
        SDVariable memory = x;

        // decoder
        SDVariable y = Embedding.rows(g, tgtIn, outTable, c.tgtVocab()).add(posTgt);                // [B·T, d]
        y = g.dropout("decoder.input", y, c.dropout(), tgtShape);
        for (int l = 0; l < c.decoderLayers(); l++) {
            String p = "decoder.layers." + l;
            Function<Map<String, INDArray>, long[]> self = b -> new long[]{b.get("tgt_in").size(0), c.heads(), b.get("tgt_in").size(1), b.get("tgt_in").size(1)};
            Function<Map<String, INDArray>, long[]> cross = b -> new long[]{b.get("tgt_in").size(0), c.heads(), b.get("tgt_in").size(1), b.get("src").size(1)};
            SDVariable a = Attention.rows(g, p + ".self_attn", y, tgtHeads, y, tgtHeads, causal, d, c.heads(), c.dropout(), self);
            y = LayerNorm.rows(g, p + ".norm1", y.add(g.dropout(p + ".drop1", a, c.dropout(), tgtShape)), d);
            SDVariable m = Attention.rows(g, p + ".cross_attn", y, tgtHeads, memory, srcHeads, srcKeys, d, c.heads(), c.dropout(), cross);
            y = LayerNorm.rows(g, p + ".norm2", y.add(g.dropout(p + ".drop2", m, c.dropout(), tgtShape)), d);
            SDVariable f = feedForward(g, p, y, c, tgtFf);
            y = LayerNorm.rows(g, p + ".norm3", y.add(g.dropout(p + ".drop3", f, c.dropout(), tgtShape)), d);
        }
        SDVariable rows;                                                                               // [B·T, V]
        if (c.tiedEmbeddings()) rows = sd.mmul(y, outTable, false, true, false).mul(1 / Math.sqrt(d));   // h·Eᵀ·√(1/d)
        else {
            SDVariable w = g.param("output_map.weight", g.init().xavierUniform(d, c.tgtVocab(), 1, c.tgtVocab(), d));
            SDVariable bias = g.param("output_map.bias", g.init().torchDefault(d, c.tgtVocab()));
            rows = sd.mmul(y, w, false, true, false).add(bias);
        }
        SDVariable tgtLen = tgtIn.shape();
        SDVariable logits = g.named(rows.reshape(sd.concat(0, tgtLen,
                sd.constant(Nd4j.createFromArray((long) c.tgtVocab())))), "logits");                   // [B, T, V]
        SDVariable logp = Losses.logSoftmax(sd, rows, 1);
        SDVariable target = sd.oneHot(tgtOut.reshape(-1).castTo(org.nd4j.linalg.api.buffer.DataType.INT32), c.tgtVocab()).castTo(g.dataType());
        SDVariable perPos = logp.mul(target).sum(1).neg().mul(tgtMask.reshape(-1));                 // [B·T]
        SDVariable loss = g.named(perPos.reshape(tgtLen).sum(1).mean(), "loss");
        return g.build(String.format("Transformer d=%d h=%d %d+%d layers", d, c.heads(), c.encoderLayers(), c.decoderLayers()),
                loss, logits, Seq2Seq.teacherForcedExactMatch(), "tgt_out", "tgt_mask");
    }

    /** [B, T, heads, d/heads] for ids [B, T]: splits [B·T, d] rows into heads. */
    private static SDVariable headShape(Graph g, SDVariable ids, int heads, int dh) {
        return g.sd().concat(0, ids.shape(), g.sd().constant(Nd4j.createFromArray((long) heads, (long) dh)));
    }

    private static SDVariable feedForward(Graph g, String p, SDVariable x, Config c, Function<Map<String, INDArray>, long[]> ffShape) {
        int d = c.d(), ff = c.ff();
        SDVariable w1 = g.param(p + ".linear1.weight", g.init().xavierUniform(d, ff, Math.sqrt(2), ff, d));
        SDVariable b1 = g.param(p + ".linear1.bias", g.init().torchDefault(d, ff));
        SDVariable w2 = g.param(p + ".linear2.weight", g.init().xavierUniform(ff, d, 1, d, ff));
        SDVariable b2 = g.param(p + ".linear2.bias", g.init().torchDefault(ff, d));
        SDVariable h = g.relu(g.sd().mmul(x, w1, false, true, false).add(b1));
        h = g.dropout(p + ".ff", h, c.dropout(), ffShape);
        return g.sd().mmul(h, w2, false, true, false).add(b2);
    }

    /** The positions of {@link #positions} for every sequence of a [B, T] batch, as [B·T, d] rows. */
    static INDArray tiledPositions(INDArray ids, int d) {
        long b = ids.size(0), t = ids.size(1);
        float[] one = positions(t, d).data().asFloat(), all = new float[(int) (b * t * d)];
        for (int i = 0; i < b; i++) System.arraycopy(one, 0, all, (int) (i * t * d), one.length);
        return Nd4j.create(all, new long[]{b * t, d}, 'c');
    }

    /** Sinusoidal position encodings [length, d]. */
    public static INDArray positions(long length, int d) {
        float[] pe = new float[(int) length * d];
        for (int pos = 0; pos < length; pos++)
            for (int i = 0; i < d; i += 2) {
                double angle = pos / Math.pow(10000, (double) i / d);
                pe[pos * d + i] = (float) Math.sin(angle);
                if (i + 1 < d) pe[pos * d + i + 1] = (float) Math.cos(angle);
            }
        return Nd4j.create(pe, new long[]{length, d}, 'c');
    }

    /** Additive causal mask [T, T]: 0 on and below the diagonal, −1e9 above. */
    public static INDArray causal(long t) {
        float[] m = new float[(int) (t * t)];
        for (int i = 0; i < t; i++) for (int j = 0; j < t; j++) m[(int) (i * t + j)] = j > i ? -1e9f : 0f;
        return Nd4j.create(m, new long[]{t, t}, 'c');
    }
}
