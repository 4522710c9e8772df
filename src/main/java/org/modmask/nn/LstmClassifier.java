package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;

import java.util.Collections;
import java.util.List;

/**
 * The paper's LSTM for the arithmetic tasks (spec §3.1, §3.2): the same input vector is presented for
 * {@code steps} time steps to a multi-layer LSTM ({@code lstm.0.weight_ih}, ...), and {@code output_projection}
 * reads the last step's hidden state into {@code groups} softmaxes of {@code classes}.
 */
public final class LstmClassifier {
    private LstmClassifier() {
    }

    public static Model of(int in, int hidden, int layers, int steps, int groups, int classes, long seed) {
        return Graph.make(seed, g -> of(g, in, hidden, layers, steps, groups, classes));
    }

    static Model of(Graph g, int in, int hidden, int layers, int steps, int groups, int classes) {
        SDVariable x = g.input("x", -1, in);
        SDVariable y = g.input("y", -1, (long) groups * classes);
        Lstm.Result r = Lstm.apply(g, "lstm", Collections.nCopies(steps, x), in, hidden, layers, null, null);
        List<SDVariable> out = r.outputs();
        SDVariable logits = g.named(Linear.apply(g, "output_projection", out.get(out.size() - 1), hidden, groups * classes, true), "logits");
        SDVariable loss = g.named(Losses.groupedCrossEntropy(g.sd(), logits, y, groups, classes), "loss");
        return g.build("LSTM " + layers + "x" + hidden + " (" + steps + " steps)", loss, logits,
                Metric.groupedArgmax("y", groups, classes), "y").splitBatches(true);
    }
}
