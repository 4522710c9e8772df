package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.ArrayList;
import java.util.List;

/**
 * A multi-layer LSTM unrolled by hand over the given time steps (SameDiff's lstmLayer has wrong gradients with
 * initial states in M2.1). PyTorch's layout and gate order (i, f, g, o): per layer {@code prefix.L.weight_ih}
 * [4H, in], {@code weight_hh} [4H, H], {@code bias_ih}, {@code bias_hh}. Initialization as the reference's
 * masked LSTM (spec §3.1): forget-gate bias 1, other biases 0, {@code W_hh ~ N(0, 1/(2H))},
 * {@code W_ih ~ N(0, 1/(I+H))}, the cell-candidate block of W_hh orthogonal with gain (5/3)/√2 and that of
 * W_ih scaled by 5/3.
 */
public final class Lstm {
    private Lstm() {
    }

    /** Outputs of the top layer at every step, and each layer's final (h, c). */
    public record Result(List<SDVariable> outputs, List<SDVariable> h, List<SDVariable> c) {
    }

    /** One time step: the top layer's output and every layer's new (h, c). */
    public record Step(SDVariable output, List<SDVariable> h, List<SDVariable> c) {
    }

    /**
     * @param xs  inputs per time step, each [B, in]
     * @param h0  initial hidden states per layer (null: zeros)
     * @param c0  initial cell states per layer (null: zeros)
     */
    public static Result apply(Graph g, String prefix, List<SDVariable> xs, int in, int hidden, int layers,
                               List<SDVariable> h0, List<SDVariable> c0) {
        return apply(g, prefix, xs, in, hidden, layers, h0, c0, null, 0);
    }

    /**
     * With per-step masks [B, 1] (1: a real position; 0: padding, where every state is carried over unchanged, so the
     * final states are those at each sequence's true length) and dropout between layers (training only).
     */
    public static Result apply(Graph g, String prefix, List<SDVariable> xs, int in, int hidden, int layers,
                               List<SDVariable> h0, List<SDVariable> c0, List<SDVariable> masks, double dropout) {
        Cells cells = cells(g, prefix, in, hidden, layers).dropout(dropout);
        List<SDVariable> h = h0, c = c0, out = new ArrayList<>();
        for (int t = 0; t < xs.size(); t++) {
            Step s = cells.step(xs.get(t), h, c, masks == null ? null : masks.get(t));
            h = s.h();
            c = s.c();
            out.add(s.output());
        }
        return new Result(out, h, c);
    }

    /** The parameters of a multi-layer LSTM, created once, to be stepped by hand (e.g. a decoder feeding back its output). */
    public static Cells cells(Graph g, String prefix, int in, int hidden, int layers) {
        return new Cells(g, prefix, in, hidden, layers);
    }

    public static final class Cells {
        private final Graph g;
        private final String prefix;
        private final int hidden, layers;
        private final List<SDVariable[]> w = new ArrayList<>();
        private double dropout;
        private int steps;
        private SDVariable lastInput, lastProjection;

        private Cells(Graph g, String prefix, int in, int hidden, int layers) {
            this.g = g;
            this.prefix = prefix;
            this.hidden = hidden;
            this.layers = layers;
            for (int l = 0; l < layers; l++) {
                int inl = l == 0 ? in : hidden;
                String p = prefix + "." + l;
                SDVariable wih = g.param(p + ".weight_ih", weightIh(g.init(), inl, hidden));
                SDVariable whh = g.param(p + ".weight_hh", weightHh(g.init(), hidden));
                INDArray bias = g.init().zeros(4L * hidden);
                bias.get(NDArrayIndex.interval(hidden, 2 * hidden)).assign(1);
                SDVariable bih = g.param(p + ".bias_ih", bias);
                SDVariable bhh = g.param(p + ".bias_hh", g.init().zeros(4L * hidden));
                w.add(new SDVariable[]{wih, whh, bih.add(bhh)});       // the two biases summed once, not per step
            }
        }

        /** Dropout on each layer's output before the next layer (not after the top layer), as PyTorch's LSTM. */
        public Cells dropout(double p) {
            dropout = p;
            return this;
        }

        /**
         * {@code x·W_ihᵀ + b} of a layer, computed once when the layer sees the same input variable at every step (the
         * arithmetic tasks present one vector for all steps), which saves a product and its gradient per step.
         */
        private SDVariable inputProjection(int layer, SDVariable x, SDVariable[] p) {
            if (layer == 0 && x == lastInput) return lastProjection;
            SDVariable proj = g.sd().mmul(x, p[0], false, true, false).add(p[2]);
            if (layer == 0) {
                lastInput = x;
                lastProjection = proj;
            }
            return proj;
        }

        /**
         * @param h    per-layer hidden states, or null for zeros
         * @param mask [B, 1] with 1 where the step is real, or null
         */
        public Step step(SDVariable x, List<SDVariable> h, List<SDVariable> c, SDVariable mask) {
            int t = steps++;
            List<SDVariable> hs = new ArrayList<>(), cs = new ArrayList<>();
            SDVariable in = x;
            for (int l = 0; l < layers; l++) {
                SDVariable[] p = w.get(l);
                SDVariable hOld = h != null ? h.get(l) : null, cOld = c != null ? c.get(l) : null;
                SDVariable gates = inputProjection(l, in, p);
                if (hOld != null) gates = gates.add(g.sd().mmul(hOld, p[1], false, true, false));
                // one split rather than four slices: each slice's backward pass fills a zero array of all four
                // gates, and the three of the sigmoid's were then summed
                SDVariable[] z = g.sd().split(gates, 4, 1);
                SDVariable i = g.sd().nn().sigmoid(z[0]);
                SDVariable cand = g.sd().math().tanh(z[2]);
                SDVariable o = g.sd().nn().sigmoid(z[3]);
                SDVariable cNew = cOld == null ? i.mul(cand) : g.sd().nn().sigmoid(z[1]).mul(cOld).add(i.mul(cand));
                SDVariable hNew = o.mul(g.sd().math().tanh(cNew));
                if (mask != null) {              // padding: keep the old state (zeros when there was none)
                    SDVariable keep = mask.rsub(1.0);
                    cNew = cOld == null ? cNew.mul(mask) : cNew.mul(mask).add(cOld.mul(keep));
                    hNew = hOld == null ? hNew.mul(mask) : hNew.mul(mask).add(hOld.mul(keep));
                }
                hs.add(hNew);
                cs.add(cNew);
                in = l < layers - 1 ? g.dropout(prefix + ".drop." + l + "." + t, hNew, dropout, hidden) : hNew;
            }
            return new Step(in, hs, cs);
        }
    }

    static INDArray weightIh(Init init, int in, int hidden) {
        INDArray w = init.normal(Math.sqrt(2.0 / (in + hidden)) / Math.sqrt(2), 4L * hidden, in);
        w.get(NDArrayIndex.interval(2 * hidden, 3 * hidden), NDArrayIndex.all()).muli(5.0 / 3);
        return w;
    }

    static INDArray weightHh(Init init, int hidden) {
        INDArray w = init.normal(Math.sqrt(1.0 / hidden) / Math.sqrt(2), 4L * hidden, hidden);
        w.get(NDArrayIndex.interval(2 * hidden, 3 * hidden), NDArrayIndex.all())
                .assign(init.orthogonal((5.0 / 3) / Math.sqrt(2), hidden, hidden));
        return w;
    }
}
