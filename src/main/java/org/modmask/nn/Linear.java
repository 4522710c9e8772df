package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * A fully connected layer, {@code y = x Wᵀ + b} with {@code W} stored as [out, in] as in PyTorch, so that a
 * row of a weight (and of its mask) is one output unit. Names: {@code prefix.weight}, {@code prefix.bias}.
 */
public final class Linear {
    private Linear() {
    }

    /** PyTorch's default init: weights and biases U(±1/√in). */
    public static SDVariable apply(Graph g, String prefix, SDVariable x, int in, int out, boolean bias) {
        org.modmask.Check.count(prefix + ": input width", in);
        org.modmask.Check.count(prefix + ": output width", out);
        org.modmask.Check.matrix(prefix + ".weight", out, in);
        SDVariable w = g.param(prefix + ".weight", g.init().torchDefault(in, out, in));
        return apply(g, prefix, x, w, in, out, bias);
    }

    /** With a given weight variable (e.g. Xavier-initialized by the caller). */
    public static SDVariable apply(Graph g, String prefix, SDVariable x, SDVariable w, int in, int out, boolean bias) {
        SDVariable y = g.sd().mmul(x, w, false, true, false);
        if (!bias) return y;
        SDVariable b = g.param(prefix + ".bias", g.init().torchDefault(in, out));
        return y.add(b);
    }
}
