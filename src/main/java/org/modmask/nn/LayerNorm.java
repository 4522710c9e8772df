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
        SDVariable gamma = g.param(prefix + ".gamma", g.init().ones(dim));
        SDVariable beta = g.param(prefix + ".beta", g.init().zeros(dim));
        int last = 2;   // explicit: reductions over dimension -1 are wrong in M2.1 (see Losses)
        SDVariable centered = x.sub(x.mean(true, last));
        SDVariable std = g.sd().math().sqrt(centered.mul(centered).sum(true, last).div(dim - 1));
        return centered.div(std.add(1e-5)).mul(gamma).add(beta);
    }
}
