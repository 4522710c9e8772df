package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDIndex;
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

    /**
     * @param xs  inputs per time step, each [B, in]
     * @param h0  initial hidden states per layer (null: zeros)
     * @param c0  initial cell states per layer (null: zeros)
     */
    public static Result apply(Graph g, String prefix, List<SDVariable> xs, int in, int hidden, int layers,
                               List<SDVariable> h0, List<SDVariable> c0) {
        List<SDVariable> seq = xs, hs = new ArrayList<>(), cs = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int inl = l == 0 ? in : hidden;
            String p = prefix + "." + l;
            SDVariable wih = g.param(p + ".weight_ih", weightIh(g.init(), inl, hidden));
            SDVariable whh = g.param(p + ".weight_hh", weightHh(g.init(), hidden));
            INDArray bias = g.init().zeros(4L * hidden);
            bias.get(NDArrayIndex.interval(hidden, 2 * hidden)).assign(1);
            SDVariable bih = g.param(p + ".bias_ih", bias);
            SDVariable bhh = g.param(p + ".bias_hh", g.init().zeros(4L * hidden));
            SDVariable h = h0 != null ? h0.get(l) : null, c = c0 != null ? c0.get(l) : null;
            List<SDVariable> out = new ArrayList<>();
            for (SDVariable x : seq) {
                SDVariable gates = g.sd().mmul(x, wih, false, true, false).add(bih).add(bhh);
                if (h != null) gates = gates.add(g.sd().mmul(h, whh, false, true, false));
                SDVariable i = g.sd().nn().sigmoid(block(gates, 0, hidden));
                SDVariable f = g.sd().nn().sigmoid(block(gates, 1, hidden));
                SDVariable cand = g.sd().math().tanh(block(gates, 2, hidden));
                SDVariable o = g.sd().nn().sigmoid(block(gates, 3, hidden));
                c = c == null ? i.mul(cand) : f.mul(c).add(i.mul(cand));
                h = o.mul(g.sd().math().tanh(c));
                out.add(h);
            }
            hs.add(h);
            cs.add(c);
            seq = out;
        }
        return new Result(seq, hs, cs);
    }

    private static SDVariable block(SDVariable gates, int k, int hidden) {
        return gates.get(SDIndex.all(), SDIndex.interval(k * hidden, (k + 1) * hidden));
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
