package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;

/**
 * 2-D convolution on NCHW input with PyTorch's weight layout [out, in, kH, kW] and default init
 * (U(±1/√(in·k·k)) for weights and biases), plus max pooling and global average pooling.
 */
public final class Conv2d {
    private Conv2d() {
    }

    /** A k×k convolution with stride 1 and the given zero padding. */
    public static SDVariable apply(Graph g, String prefix, SDVariable x, int in, int out, int k, int pad, boolean bias) {
        long fanIn = (long) in * k * k;
        SDVariable w = g.param(prefix + ".weight", g.init().torchDefault(fanIn, out, in, k, k));
        SDVariable b = bias ? g.param(prefix + ".bias", g.init().torchDefault(fanIn, out)) : null;
        // stored as [out, in, kH, kW]; the op's backward pass fails validation with that layout (OIYX) in M2.1,
        // so it gets the default [kH, kW, in, out] through a permute
        SDVariable wk = g.sd().permute(w, 2, 3, 1, 0);
        Conv2DConfig cfg = Conv2DConfig.builder().kH(k).kW(k).sH(1).sW(1).pH(pad).pW(pad).dH(1).dW(1)
                .dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build();
        return b == null ? g.sd().cnn().conv2d(x, wk, cfg) : g.sd().cnn().conv2d(x, wk, b, cfg);
    }

    /**
     * A k×k convolution with a stride, no bias, and He initialization by fan-out, N(0, 2 / (k·k·out)), as the
     * reference's ResNet (spec §3.5).
     */
    public static SDVariable heFanOut(Graph g, String prefix, SDVariable x, int in, int out, int k, int pad, int stride) {
        SDVariable w = g.param(prefix + ".weight", g.init().normal(Math.sqrt(2.0 / (k * k * out)), out, in, k, k));
        SDVariable wk = g.sd().permute(w, 2, 3, 1, 0);
        Conv2DConfig cfg = Conv2DConfig.builder().kH(k).kW(k).sH(stride).sW(stride).pH(pad).pW(pad).dH(1).dW(1)
                .dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build();
        return g.sd().cnn().conv2d(x, wk, cfg);
    }

    /** k×k max pooling with stride k. */
    public static SDVariable maxPool(Graph g, SDVariable x, int k) {
        return g.sd().cnn().maxPooling2d(x, Pooling2DConfig.builder().kH(k).kW(k).sH(k).sW(k).isNHWC(false).build());
    }

    /** Mean over the spatial dimensions: [B, C, H, W] → [B, C]. */
    public static SDVariable globalAveragePool(SDVariable x) {
        return x.mean(2, 3);
    }
}
