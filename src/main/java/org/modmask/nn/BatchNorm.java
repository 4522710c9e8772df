package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * Batch normalization over the channels of NCHW activations, as PyTorch's {@code BatchNorm2d}: in training mode
 * the batch's per-channel mean and (biased) variance normalize, and the running statistics move toward them with
 * momentum 0.1 (the variance unbiased); in evaluation mode the running statistics normalize. Parameters
 * {@code prefix.weight} (γ, ones) and {@code prefix.bias} (β, zeros); states {@code prefix.running_mean} and
 * {@code prefix.running_var}.
 */
public final class BatchNorm {
    public static final double EPS = 1e-5, MOMENTUM = 0.1;

    private BatchNorm() {
    }

    public static SDVariable apply(Graph g, String prefix, SDVariable x, int channels) {
        SDVariable gamma = g.param(prefix + ".weight", g.init().ones(channels));
        SDVariable beta = g.param(prefix + ".bias", g.init().zeros(channels));
        SDVariable mean = x.mean(0, 2, 3);                                                  // [C]
        SDVariable centered = x.sub(mean.reshape(1, channels, 1, 1));
        SDVariable var = centered.mul(centered).mean(0, 2, 3);
        SDVariable n = x.shape().prod(0).div(x.shape().get(org.nd4j.autodiff.samediff.SDIndex.point(1))).castTo(g.dataType());
        SDVariable unbiased = var.mul(n).div(n.sub(1.0));
        SDVariable runMean = g.state(prefix + ".running_mean", g.init().zeros(channels), mean, MOMENTUM);
        SDVariable runVar = g.state(prefix + ".running_var", g.init().ones(channels), unbiased, MOMENTUM);
        SDVariable train = g.aux(prefix + ".training", (b, training, rng) ->
                org.nd4j.linalg.factory.Nd4j.scalar(g.dataType(), training ? 1 : 0).reshape(1), 1);
        SDVariable useMean = mean.mul(train).add(runMean.mul(train.rsub(1.0)));
        SDVariable useVar = var.mul(train).add(runVar.mul(train.rsub(1.0)));
        SDVariable inv = g.sd().math().rsqrt(useVar.add(EPS)).mul(gamma);
        return x.sub(useMean.reshape(1, channels, 1, 1)).mul(inv.reshape(1, channels, 1, 1)).add(beta.reshape(1, channels, 1, 1));
    }
}
