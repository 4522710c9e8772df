package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;

/**
 * The CIFAR ResNet of He et al. as the reference builds it (spec §3.5): a 3×3 convolution (16 channels) with batch
 * normalization, three stages of {@code blocks} BasicBlocks (16, 32, 64 channels; the first block of stages 2 and 3
 * halves the resolution, with a 1×1 convolution + batch normalization shortcut), global average pooling and
 * {@code out_layer}. {@code blocks = 18} is ResNet-110 (GPU-sized: about 253M multiply-adds per image); small
 * values (ResNet-8: 1, ResNet-20: 3) run on a CPU. Convolutions are He-initialized by fan-out and have no bias.
 * Input {@code x} [B, 3·32·32], labels one-hot {@code y} [B, classes].
 */
public final class ResNet {
    private ResNet() {
    }

    /** ResNet-(6·blocks + 2) for 3×32×32 images. */
    public static Model cifar(int blocks, int classes, long seed) {
        if (blocks < 1) throw new IllegalArgumentException("blocks per stage must be >= 1, got " + blocks);
        return Graph.make(seed, g -> build(g, blocks, classes));
    }

    /** ResNet-110 (18 blocks per stage). */
    public static Model resnet110(long seed) {
        return cifar(18, 10, seed);
    }

    static Model build(Graph g, int blocks, int classes) {
        SDVariable x = g.input("x", -1, 3 * 32 * 32);
        SDVariable y = g.input("y", -1, classes);
        SDVariable h = x.reshape(-1, 3, 32, 32);
        h = Conv2d.heFanOut(g, "conv1", h, 3, 16, 3, 1, 1);
        h = g.relu(BatchNorm.apply(g, "bn1", h, 16));
        int in = 16;
        int[] widths = {16, 32, 64};
        for (int s = 0; s < 3; s++)
            for (int b = 0; b < blocks; b++) {
                int stride = s > 0 && b == 0 ? 2 : 1;
                h = block(g, "layers." + s + "." + b, h, in, widths[s], stride);
                in = widths[s];
            }
        SDVariable pooled = Conv2d.globalAveragePool(h);
        SDVariable logits = g.named(Linear.apply(g, "out_layer", pooled, in, classes, true), "logits");
        SDVariable loss = g.named(Losses.groupedCrossEntropy(g.sd(), logits, y, 1, classes), "loss");
        return g.build("ResNet-" + (6 * blocks + 2), loss, logits, Metric.groupedArgmax("y", 1, classes), "y");
    }

    private static SDVariable block(Graph g, String p, SDVariable x, int in, int out, int stride) {
        SDVariable h = Conv2d.heFanOut(g, p + ".conv1", x, in, out, 3, 1, stride);
        h = g.relu(BatchNorm.apply(g, p + ".bn1", h, out));
        h = Conv2d.heFanOut(g, p + ".conv2", h, out, out, 3, 1, 1);
        h = BatchNorm.apply(g, p + ".bn2", h, out);
        SDVariable shortcut = x;
        if (stride != 1 || in != out)
            shortcut = BatchNorm.apply(g, p + ".shortcut.1", Conv2d.heFanOut(g, p + ".shortcut.0", x, in, out, 1, 0, stride), out);
        return g.relu(h.add(shortcut));
    }
}
