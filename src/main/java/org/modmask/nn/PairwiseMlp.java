package org.modmask.nn;

import org.nd4j.linalg.api.ndarray.INDArray;

import org.modmask.data.DoubleAdd;

import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The double-addition FNN interface (spec §3.2): one feed-forward network {@code in → hidden… → out} run once
 * per pair; pass {@code t} sees only pair {@code t}'s inputs (the other pair's are zeroed) and contributes only
 * output slot {@code t}. Parameters as {@link Mlp} ({@code layers.k.weight}), shared by both passes.
 */
public final class PairwiseMlp {
    private PairwiseMlp() {
    }

    /**
     * @param pairs       number of pairs (2)
     * @param pairInputs  inputs per pair (40); the network sees all {@code pairs·pairInputs}
     * @param pairGroups  output groups per pair (2 digits), each {@code classes}-way
     */
    public static Model of(int pairs, int pairInputs, int[] hidden, int pairGroups, int classes, long seed) {
        return Graph.make(seed, g -> of(g, pairs, pairInputs, hidden, pairGroups, classes));
    }

    static Model of(Graph g, int pairs, int pairInputs, int[] hidden, int pairGroups, int classes) {
        int in = pairs * pairInputs, out = pairs * pairGroups * classes, slot = pairGroups * classes;
        SDVariable x = g.input("x", -1, in);
        SDVariable y = g.input("y", -1, out);
        int[] widths = new int[hidden.length + 2];
        widths[0] = in;
        System.arraycopy(hidden, 0, widths, 1, hidden.length);
        widths[widths.length - 1] = out;
        SDVariable[] w = new SDVariable[widths.length - 1], b = new SDVariable[widths.length - 1];
        for (int l = 0; l < w.length; l++) {
            w[l] = g.param("layers." + l + ".weight", g.init().torchDefault(widths[l], widths[l + 1], widths[l]));
            b[l] = g.param("layers." + l + ".bias", g.init().torchDefault(widths[l], widths[l + 1]));
        }
        SDVariable[] slots = new SDVariable[pairs];
        for (int t = 0; t < pairs; t++) {
            float[] keep = new float[in];
            for (int i = t * pairInputs; i < (t + 1) * pairInputs; i++) keep[i] = 1;
            SDVariable h = x.mul(g.sd().constant(Nd4j.create(keep, new long[]{1, in}, 'c').castTo(g.dataType())));
            for (int l = 0; l < w.length; l++) {
                h = g.sd().mmul(h, w[l], false, true, false).add(b[l]);
                if (l < w.length - 1) h = g.relu(h);
            }
            slots[t] = h.get(SDIndex.all(), SDIndex.interval(t * slot, (t + 1) * slot));
        }
        SDVariable logits = g.named(g.sd().concat(1, slots), "logits");
        SDVariable loss = g.named(Losses.groupedCrossEntropy(g.sd(), logits, y, pairs * pairGroups, classes), "loss");
        StringBuilder k = new StringBuilder("pairwise MLP " + in);
        for (int h : hidden) k.append('-').append(h);
        k.append('-').append(out);
        return g.build(k.toString(), loss, logits, Metric.groupedArgmax("y", pairs * pairGroups, classes), "y");
    }

    /**
     * The copy-weight control (spec §3.2): overwrites pair 1's input weights (the first layer's columns) and
     * output rows and biases (the last layer's) with pair 2's, so that pair 1 runs through exactly pair 2's
     * pathway. A method that detects reuse should then report high overlap between the Pair-1 and Pair-2 masks.
     *
     * @param model a PairwiseMlp with {@code layers} hidden layers
     */
    public static void copyPair2ToPair1(Model model) {
        int last = (int) model.parameters().stream().filter(p -> p.name().endsWith(".weight")).count() - 1;
        INDArray w0 = model.get("layers.0.weight");
        w0.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, DoubleAdd.PAIR_INPUTS))
                .assign(w0.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(DoubleAdd.PAIR_INPUTS, 2 * DoubleAdd.PAIR_INPUTS)));
        INDArray wl = model.get("layers." + last + ".weight"), bl = model.get("layers." + last + ".bias");
        wl.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, DoubleAdd.PAIR_OUTPUTS), org.nd4j.linalg.indexing.NDArrayIndex.all())
                .assign(wl.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(DoubleAdd.PAIR_OUTPUTS, 2 * DoubleAdd.PAIR_OUTPUTS), org.nd4j.linalg.indexing.NDArrayIndex.all()));
        bl.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, DoubleAdd.PAIR_OUTPUTS))
                .assign(bl.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(DoubleAdd.PAIR_OUTPUTS, 2 * DoubleAdd.PAIR_OUTPUTS)));
    }

    /** Judges one pair only (1 or 2): both of its digits right. */
    public static Metric pairMetric(int k) {
        if (k != 1 && k != 2) throw new IllegalArgumentException("pair must be 1 or 2, got " + k);
        return Metric.someGroups("y", 4, 10, 2 * (k - 1), 2 * (k - 1) + 1);
    }
}
