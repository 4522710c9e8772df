package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The paper's feed-forward network: {@code Linear → ReLU → … → Linear}, no activation on the output.
 * Parameters {@code layers.0.weight}, {@code layers.0.bias}, … as in the reference implementation.
 * The output is read as {@code groups} independent {@code classes}-way softmaxes (e.g. 2 digits × 10).
 */
public final class Mlp {
    private Mlp() {
    }

    /** A classifier with inputs {@code x} [B, in] and one-hot labels {@code y} [B, groups·classes]. */
    public static Model classifier(int in, int[] hidden, int groups, int classes, long seed) {
        return Graph.make(seed, g -> classifier(g, in, hidden, groups, classes));
    }

    static Model classifier(Graph g, int in, int[] hidden, int groups, int classes) {
        SDVariable x = g.input("x", -1, in);
        SDVariable y = g.input("y", -1, (long) groups * classes);
        SDVariable h = x;
        int width = in;
        for (int i = 0; i < hidden.length; i++) {
            h = g.sd().nn().relu(Linear.apply(g, "layers." + i, h, width, hidden[i], true), 0);
            width = hidden[i];
        }
        SDVariable logits = g.named(Linear.apply(g, "layers." + hidden.length, h, width, groups * classes, true), "logits");
        SDVariable loss = g.named(Losses.groupedCrossEntropy(g.sd(), logits, y, groups, classes), "loss");
        String sizes = in + "-" + Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining("-"))
                + "-" + groups * classes;
        return g.build("MLP " + sizes, loss, logits, Metric.groupedArgmax("y", groups, classes), "y");
    }

    /** A plain classifier with one softmax over {@code classes}. */
    public static Model classifier(int in, int[] hidden, int classes, long seed) {
        return classifier(in, hidden, 1, classes, seed);
    }

    static int[] sizes(int... s) {
        return IntStream.of(s).toArray();
    }
}
