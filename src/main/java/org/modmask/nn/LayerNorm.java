package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The reference Transformer's LayerNorm (spec §3.3): {@code gamma·(x−mean)/(std_unbiased + 1e-5) + beta} over the
 * last dimension, which differs from the standard LN. Parameters {@code prefix.gamma} (ones), {@code prefix.beta}
 * (zeros); masked by default, as in the paper.
 */
public final class LayerNorm {
    private LayerNorm() {
    }

    /** Over the last dimension of a [B, T, dim] input. */
    public static SDVariable apply(Graph g, String prefix, SDVariable x, int dim) {
        return rows(g, prefix, x.reshape(-1, dim), dim).reshape(x.shape());   // dimension 1 explicit (-1 is wrong in M2.1, see Losses)
    }

    /** Over the rows of a [N, dim] input. */
    public static SDVariable rows(Graph g, String prefix, SDVariable rows, int dim) {
        SDVariable gamma = g.param(prefix + ".gamma", g.init().ones(dim));
        SDVariable beta = g.param(prefix + ".beta", g.init().zeros(dim));
        SDVariable centered = rows.sub(rows.mean(true, 1));
        SDVariable std = g.sd().math().sqrt(centered.mul(centered).sum(true, 1).div(dim - 1));
        // γ / (std + ε) as one [N, dim] outer product, so that no op broadcasts: M2.1's broadcasting backward passes
        // are slow (divide_bp 0.7 ms on [1568, 100], multiply_bp tiles the smaller operand), the product's 0.1 ms
        SDVariable scale = g.sd().mmul(g.sd().math().reciprocal(std.add(1e-5)), gamma.reshape(1, dim));
        return centered.mul(scale).add(beta);
    }
}
