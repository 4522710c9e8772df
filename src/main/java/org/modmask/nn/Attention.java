package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Multi-head attention as the reference implements it: bias-free projections {@code data_to_q} (d→d),
 * {@code data_to_kv} (d→2d) and {@code multi_head_merge} (d→d), Xavier-uniform initialized; scaled dot
 * products, an additive mask (−1e9 where attention is not allowed), softmax, dropout on the attention weights.
 * Built from matmul and softmax because SameDiff's attention op has no causal mask. The softmax names dimension 3:
 * dimension -1 gives wrong sums on rank 4 in M2.1.
 */
public final class Attention {
    private Attention() {
    }

    /**
     * Attention on rows: activations stay [B·T, d] between layers, so the projections need no reshapes (each op
     * costs SameDiff's session tens of microseconds besides its work).
     *
     * @param q        queries [B·T, d]
     * @param qHeads   [B, T, heads, d/heads], the shape that splits q's rows into heads
     * @param kv       keys/values source [B·S, d]
     * @param kvHeads  [B, S, heads, d/heads]
     * @param additive mask broadcastable to [B, heads, T, S] (0 allowed, −1e9 blocked), or null
     * @param shapeOf  the attention weights' shape [B, heads, T, S] for a batch (for dropout)
     * @return [B·T, d]
     */
    public static SDVariable rows(Graph g, String prefix, SDVariable q, SDVariable qHeads, SDVariable kv, SDVariable kvHeads,
                                  SDVariable additive, int d, int heads, double dropout,
                                  java.util.function.Function<java.util.Map<String, org.nd4j.linalg.api.ndarray.INDArray>, long[]> shapeOf) {
        if (d % heads != 0) throw new IllegalArgumentException("d_model " + d + " is not divisible by " + heads + " heads");
        int dh = d / heads;
        var sd = g.sd();
        SDVariable wq = g.param(prefix + ".data_to_q.weight", g.init().xavierUniform(d, d, 1, d, d));
        SDVariable wkv = g.param(prefix + ".data_to_kv.weight", g.init().xavierUniform(d, 2 * d, 1, 2L * d, d));
        SDVariable wo = g.param(prefix + ".multi_head_merge.weight", g.init().xavierUniform(d, d, 1, d, d));
        SDVariable qp = sd.mmul(q, wq, false, true, false);                                    // [B·T, d]
        SDVariable[] kvp = sd.split(sd.mmul(kv, wkv, false, true, false), 2, 1);               // k, v: [B·S, d]
        SDVariable qh = sd.permute(qp.reshape(qHeads), 0, 2, 1, 3);                            // [B, H, T, dh]
        SDVariable kh = sd.permute(kvp[0].reshape(kvHeads), 0, 2, 1, 3), vh = sd.permute(kvp[1].reshape(kvHeads), 0, 2, 1, 3);
        SDVariable scores = sd.mmul(qh, kh, false, true, false).mul(1.0 / Math.sqrt(dh));     // [B, H, T, S]
        if (additive != null) scores = scores.add(additive);
        SDVariable att = Losses.softmax(sd, scores, 3);
        att = g.dropout(prefix + ".att", att, dropout, shapeOf);
        SDVariable ctx = sd.permute(sd.mmul(att, vh), 0, 2, 1, 3);                             // [B, T, H, dh]
        return sd.mmul(ctx.reshape(-1, d), wo, false, true, false);
    }
}
