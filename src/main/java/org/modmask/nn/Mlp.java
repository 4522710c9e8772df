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
            h = g.named(g.relu(Linear.apply(g, "layers." + i, h, width, hidden[i], true)), "hidden." + i);
            width = hidden[i];
        }
        SDVariable logits = g.named(Linear.apply(g, "layers." + hidden.length, h, width, groups * classes, true), "logits");
        SDVariable loss = g.named(Losses.groupedCrossEntropy(g.sd(), logits, y, groups, classes), "loss");
        String sizes = in + "-" + Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining("-"))
                + "-" + groups * classes;
        return g.build("MLP " + sizes, loss, logits, Metric.groupedArgmax("y", groups, classes), "y");
    }

    /**
     * The MLP of Lange et al. (2022): {@code Linear → ReLU → Dropout(p)} per hidden layer, then {@code Linear}; the
     * loss is cross-entropy plus {@code l1·Σ|W| + l2·ΣW²} over every weight matrix (biases excluded, no ½).
     */
    public static Model regularized(int in, int[] hidden, int classes, double dropout, double l1, double l2, long seed) {
        if (!(l1 >= 0) || !(l2 >= 0)) throw new IllegalArgumentException("l1 and l2 must be >= 0, got " + l1 + ", " + l2);
        return Graph.make(seed, g -> regularized(g, in, hidden, classes, dropout, l1, l2));
    }

    static Model regularized(Graph g, int in, int[] hidden, int classes, double dropout, double l1, double l2) {
        SDVariable x = g.input("x", -1, in);
        SDVariable y = g.input("y", -1, classes);
        SDVariable h = x, penalty = null;
        int width = in;
        for (int i = 0; i <= hidden.length; i++) {
            int out = i < hidden.length ? hidden[i] : classes;
            SDVariable w = g.param("layers." + i + ".weight", g.init().torchDefault(width, out, width));
            h = Linear.apply(g, "layers." + i, h, w, width, out, true);
            if (l1 > 0) penalty = add(penalty, g.sd().math().abs(w).sum().mul(l1));
            if (l2 > 0) penalty = add(penalty, w.mul(w).sum().mul(l2));
            if (i < hidden.length) {
                h = g.dropout("layers." + i, g.named(g.relu(h), "hidden." + i), dropout, out);
                width = out;
            }
        }
        SDVariable logits = g.named(h, "logits");
        SDVariable ce = Losses.groupedCrossEntropy(g.sd(), logits, y, 1, classes);
        SDVariable loss = g.named(penalty == null ? ce : ce.add(penalty), "loss");
        String kind = String.format(java.util.Locale.ROOT, "MLP %d-%s-%d (dropout %.2f, L1 %.0e, L2 %.0e)", in,
                Arrays.stream(hidden).mapToObj(Integer::toString).collect(Collectors.joining("-")), classes, dropout, l1, l2);
        return g.build(kind, loss, logits, Metric.groupedArgmax("y", 1, classes), "y");
    }

    private static SDVariable add(SDVariable a, SDVariable b) {
        return a == null ? b : a.add(b);
    }

    /** A plain classifier with one softmax over {@code classes}. */
    public static Model classifier(int in, int[] hidden, int classes, long seed) {
        return classifier(in, hidden, 1, classes, seed);
    }

    static int[] sizes(int... s) {
        return IntStream.of(s).toArray();
    }
}
