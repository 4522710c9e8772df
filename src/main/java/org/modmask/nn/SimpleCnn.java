package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The paper's simple CNN for CIFAR-10 (spec §3.5):
 * {@code Conv(3→32)-ReLU-MaxPool → Conv(32→64)-ReLU-MaxPool → Conv(64→128)-Dropout(0.25)-ReLU-MaxPool →
 * Conv(128→256)-ReLU-Dropout(0.5) → global average pool → Linear(256→10)}, 3×3 kernels with padding 1.
 * Parameters {@code conv.0.weight} … {@code conv.3.bias}, {@code out_layer.weight}, {@code out_layer.bias}.
 * Input {@code x} is [B, 3·H·W] (flattened CHW images), labels {@code y} one-hot [B, classes].
 */
public final class SimpleCnn {
    private SimpleCnn() {
    }

    /** The paper's channel widths. */
    public static final int[] WIDTHS = {32, 64, 128, 256};

    /** With the paper's dropout rates (0.25, 0.5) or none ({@code dropout = false}). */
    public static Model classifier(int channels, int height, int width, int classes, boolean dropout, long seed) {
        return classifier(channels, height, width, classes, dropout, WIDTHS, seed);
    }

    /** With other channel widths for the four convolutions (e.g. {16, 32, 64, 128} for a quick run). */
    public static Model classifier(int channels, int height, int width, int classes, boolean dropout, int[] widths, long seed) {
        if (widths.length != 4) throw new IllegalArgumentException("the simple CNN has 4 convolutions; got " + widths.length + " widths");
        for (int w : widths) if (w <= 0) throw new IllegalArgumentException("channel widths must be > 0, got " + java.util.Arrays.toString(widths));
        return Graph.make(seed, g -> classifier(channels, height, width, classes, dropout ? 0.25 : 0, dropout ? 0.5 : 0, widths, seed, g));
    }

    /** The CIFAR-10 network: 3×32×32 inputs, 10 classes. */
    public static Model cifar(boolean dropout, int[] widths, long seed) {
        return classifier(3, 32, 32, 10, dropout, widths, seed);
    }

    static Model classifier(int channels, int height, int width, int classes, double p1, double p2, long seed, Graph g) {
        return classifier(channels, height, width, classes, p1, p2, WIDTHS, seed, g);
    }

    static Model classifier(int channels, int height, int width, int classes, double p1, double p2, int[] widths, long seed, Graph g) {
        SDVariable x = g.input("x", -1, (long) channels * height * width);
        SDVariable y = g.input("y", -1, classes);
        SDVariable h = x.reshape(-1, channels, height, width);
        int in = channels, hh = height, ww = width;
        for (int i = 0; i < 4; i++) {
            h = Conv2d.apply(g, "conv." + i, h, in, widths[i], 3, 1, true);
            if (i == 2) h = g.dropout("conv.2", h, p1, widths[i], hh, ww);
            if (i < 3) {
                // pool, then ReLU: max commutes with max(·, 0), so values and gradients are the same, and the
                // ReLU runs on a quarter of the elements
                h = g.named(g.relu(Conv2d.maxPool(g, h, 2)), "conv." + i + ".out");
                hh /= 2;
                ww /= 2;
            } else h = g.dropout("conv.3", g.named(g.relu(h), "conv.3.out"), p2, widths[i], hh, ww);
            in = widths[i];
        }
        SDVariable pooled = Conv2d.globalAveragePool(h);
        SDVariable logits = g.named(Linear.apply(g, "out_layer", pooled, in, classes, true), "logits");
        SDVariable loss = g.named(Losses.groupedCrossEntropy(g.sd(), logits, y, 1, classes), "loss");
        return g.build("SimpleCNN " + channels + "x" + height + "x" + width + " " + java.util.Arrays.toString(widths) + (p1 + p2 > 0 ? " dropout" : ""),
                loss, logits, Metric.groupedArgmax("y", 1, classes), "y").splitBatches(true);
    }
}
