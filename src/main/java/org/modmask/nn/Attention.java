package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Multi-head attention as the reference implements it: bias-free projections {@code data_to_q} (d→d),
 * {@code data_to_kv} (d→2d) and {@code multi_head_merge} (d→d), Xavier-uniform initialized; scaled dot
 * products, an additive mask (−1e9 where attention is not allowed), softmax, dropout on the attention weights.
 * Built from matmul and softmax because SameDiff's attention op has no causal mask.
 */
public final class Attention {
    private Attention() {
    }

    /**
     * @param q        queries [B, T, d]
     * @param kv       keys/values source [B, S, d]
     * @param additive mask broadcastable to [B, heads, T, S] (0 allowed, −1e9 blocked), or null
     * @param shapeOf  the attention weights' shape [B, heads, T, S] for a batch (for dropout)
     */
    public static SDVariable apply(Graph g, String prefix, SDVariable q, SDVariable kv, SDVariable additive,
                                   int d, int heads, double dropout,
                                   java.util.function.Function<java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray>, long[]> shapeOf) {
        if (d % heads != 0) throw new IllegalArgumentException("d_model " + d + " is not divisible by " + heads + " heads");
        int dh = d / heads;
        SDVariable wq = g.param(prefix + ".data_to_q.weight", g.init().xavierUniform(d, d, 1, d, d));
        SDVariable wkv = g.param(prefix + ".data_to_kv.weight", g.init().xavierUniform(d, 2 * d, 1, 2L * d, d));
        SDVariable wo = g.param(prefix + ".multi_head_merge.weight", g.init().xavierUniform(d, d, 1, d, d));
        SDVariable qp = project(g, q, wq, d);                               // [B, T, d]
        SDVariable kvp = project(g, kv, wkv, d);                            // [B, S, 2d]
        SDVariable k = kvp.get(SDIndex.all(), SDIndex.all(), SDIndex.interval(0, d));
        SDVariable v = kvp.get(SDIndex.all(), SDIndex.all(), SDIndex.interval(d, 2 * d));
        SDVariable qh = split(g, qp, heads, dh), kh = split(g, k, heads, dh), vh = split(g, v, heads, dh);   // [B, H, ·, dh]
        SDVariable scores = g.sd().mmul(qh, kh, false, true, false).mul(1.0 / Math.sqrt(dh));   // [B, H, T, S]
        if (additive != null) scores = scores.add(additive);
        SDVariable att = Losses.softmax(g.sd(), scores, 3);     // (dimension -1 gives wrong sums on rank 4 in M2.1)
        att = g.dropout(prefix + ".att", att, dropout, shapeOf);
        SDVariable ctx = g.sd().mmul(att, vh);                                                  // [B, H, T, dh]
        SDVariable merged = g.sd().permute(ctx, 0, 2, 1, 3);                                    // [B, T, H, dh]
        SDVariable flat = merged.reshape(g.sd().concat(0, q.shape().get(SDIndex.interval(0, 2)),
                g.sd().constant(org.nd4j.linalg.factory.Nd4j.createFromArray((long) d))));
        return project(g, flat, wo, d);
    }

    /** x [B, T, in] × Wᵀ [out, in] → [B, T, out]. */
    static SDVariable project(Graph g, SDVariable x, SDVariable w, int in) {
        SDVariable flat = x.reshape(-1, in);
        SDVariable y = g.sd().mmul(flat, w, false, true, false);
        long out = -1;
        return y.reshape(g.sd().concat(0, x.shape().get(SDIndex.interval(0, 2)),
                g.sd().constant(org.nd4j.linalg.factory.Nd4j.createFromArray(out))));
    }

    private static SDVariable split(Graph g, SDVariable x, int heads, int dh) {
        SDVariable shape = g.sd().concat(0, x.shape().get(SDIndex.interval(0, 2)),
                g.sd().constant(org.nd4j.linalg.factory.Nd4j.createFromArray((long) heads, (long) dh)));
        return g.sd().permute(x.reshape(shape), 0, 2, 1, 3);
    }
}
