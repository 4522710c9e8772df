package org.modmask.cluster;

import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.Map;

/**
 * The association measures for any SameDiff model, by automatic differentiation: name a hidden variable
 * ({@code [B, d]}) and the input placeholder, and each unit's input gradient and each output's gradient with
 * respect to the units come from one backward pass per unit (or per output) on a copy of the graph. The loss Hessian
 * is taken in its Gauss–Newton form {@code Kᵀ(diag p − ppᵀ)K}, which is exact when nothing after the hidden layer
 * bends (ReLU networks) — as the closed forms of {@link Associations} assume. Slower than the closed forms; use it
 * for models that are not plain MLPs.
 * <pre>{@code double[][] a = AutodiffAssociations.of(model, data, "hidden.0", "x").matrix(Associations.Method.FORWARD_JAC_NORM);}</pre>
 */
public final class AutodiffAssociations {
    private final Model model;
    private final Dataset data;
    private final String hidden, input;
    private final int groups;
    private final int batch = 100;
    private final Map<String, double[][]> cache = new HashMap<>();

    private AutodiffAssociations(Model model, Dataset data, String hidden, String input, int groups) {
        if (!model.sameDiff().hasVariable(hidden))
            throw new IllegalArgumentException(model.kind() + " has no variable '" + hidden + "' (the hidden layer to analyse)");
        if (!model.inputs().contains(input))
            throw new IllegalArgumentException("'" + input + "' is not an input of " + model.kind() + "; inputs: " + model.inputs());
        this.model = model;
        this.data = data;
        this.hidden = hidden;
        this.input = input;
        this.groups = groups;
    }

    /** Units of the variable {@code hidden}; gradients with respect to the placeholder {@code input}; one softmax. */
    public static AutodiffAssociations of(Model model, Dataset data, String hidden, String input) {
        return new AutodiffAssociations(model, data, hidden, input, 1);
    }

    /** The same with the outputs read as {@code groups} softmaxes. */
    public static AutodiffAssociations of(Model model, Dataset data, String hidden, String input, int groups) {
        return new AutodiffAssociations(model, data, hidden, input, groups);
    }

    /** The association matrix (non-negative, symmetric, zero diagonal) of the hidden variable's units. */
    public double[][] matrix(Associations.Method m) {
        String base = m.key().replace("_norm", "");
        double[][] raw = cache.computeIfAbsent(base, k -> switch (m) {
            case FORWARD_COV, FORWARD_COV_NORM -> covariance();
            case FORWARD_JAC, FORWARD_JAC_NORM -> inputGradient();
            case BACKWARD_JAC, BACKWARD_JAC_NORM -> outputGradient(false);
            case BACKWARD_HESS, BACKWARD_HESS_NORM -> outputGradient(true);
        });
        return Associations.association(raw, m.normalized());
    }

    private Map<String, INDArray> feed(int from, int to) {
        Map<String, INDArray> rows = data.slice(from, to);
        return new HashMap<>(model.feed(rows, false));
    }

    private double[][] covariance() {
        int n = data.size();
        INDArray sum = null, outer = null;
        for (int from = 0; from < n; from += batch) {
            INDArray h = model.sameDiff().output(feed(from, Math.min(n, from + batch)), hidden).get(hidden).castTo(DataType.DOUBLE);
            sum = sum == null ? h.sum(0) : sum.addi(h.sum(0));
            outer = outer == null ? h.transpose().mmul(h) : outer.addi(h.transpose().mmul(h));
        }
        long d = sum.length();
        INDArray mean = sum.divi(n);
        return outer.divi(n).subi(mean.reshape(d, 1).mmul(mean.reshape(1, d))).toDoubleMatrix();
    }

    /** A copy of the graph with a selector s and the probe Σ (target ⊙ s) as its loss. */
    private SameDiff probe(String target, long width) {
        SameDiff sd = model.sameDiff().dup();
        SDVariable sel = sd.placeHolder("assoc.sel", sd.getVariable(target).dataType(), 1, width);
        SDVariable p = sd.getVariable(target).mul(sel).sum().rename("assoc.probe");
        sd.setLossVariables(p);
        return sd;
    }

    private double[][] inputGradient() {
        int n = data.size();
        long d = width(hidden);
        SameDiff sd = probe(hidden, d);
        double[][] g = new double[(int) d][(int) d];
        for (int from = 0; from < n; from += batch) {
            Map<String, INDArray> ph = feed(from, Math.min(n, from + batch));
            INDArray[] rows = new INDArray[(int) d];                 // ∂h_i/∂x for every sample: [B, in]
            for (int i = 0; i < d; i++) {
                ph.put("assoc.sel", oneHot(d, i, sd.getVariable("assoc.sel").dataType()));
                rows[i] = sd.calculateGradients(ph, input).get(input).castTo(DataType.DOUBLE);
            }
            for (int i = 0; i < d; i++)
                for (int j = 0; j <= i; j++) g[i][j] = g[j][i] = g[i][j] + rows[i].mul(rows[j]).sumNumber().doubleValue();
        }
        for (double[] r : g) for (int j = 0; j < r.length; j++) r[j] /= n;
        return g;
    }

    private double[][] outputGradient(boolean hessian) {
        int n = data.size();
        String logits = model.logitsName();
        long out = width(logits), d = width(hidden);
        SameDiff sd = probe(logits, out);
        double[][] g = new double[(int) d][(int) d];
        for (int from = 0; from < n; from += batch) {
            int b = Math.min(n, from + batch) - from;
            Map<String, INDArray> ph = feed(from, from + b);
            INDArray[] k = new INDArray[(int) out];                  // ∂z_o/∂h for every sample: [B, d]
            for (int o = 0; o < out; o++) {
                ph.put("assoc.sel", oneHot(out, o, sd.getVariable("assoc.sel").dataType()));
                k[o] = sd.calculateGradients(ph, hidden).get(hidden).castTo(DataType.DOUBLE);
            }
            INDArray z = hessian ? sd.output(ph, logits).get(logits).castTo(DataType.DOUBLE) : null;
            for (int s = 0; s < b; s++) {
                double[][] ks = new double[(int) out][];
                for (int o = 0; o < out; o++) ks[o] = k[o].getRow(s).toDoubleVector();
                double[][] t = ks;
                if (hessian) t = gaussNewton(ks, z.getRow(s).toDoubleVector());
                for (int i = 0; i < d; i++)
                    for (int j = 0; j < d; j++) {
                        double v = 0;
                        for (int o = 0; o < out; o++) v += ks[o][i] * t[o][j];
                        g[i][j] += v;
                    }
            }
        }
        for (double[] r : g) for (int j = 0; j < r.length; j++) r[j] /= n;
        return g;
    }

    /** (diag p − ppᵀ)K per softmax group. */
    private double[][] gaussNewton(double[][] k, double[] z) {
        int out = k.length, per = out / groups, d = k[0].length;
        double[][] t = new double[out][d];
        for (int gi = 0; gi < groups; gi++) {
            double max = Double.NEGATIVE_INFINITY, sum = 0;
            for (int o = gi * per; o < (gi + 1) * per; o++) max = Math.max(max, z[o]);
            double[] p = new double[per];
            for (int o = 0; o < per; o++) sum += p[o] = Math.exp(z[gi * per + o] - max);
            for (int o = 0; o < per; o++) p[o] /= sum;
            double[] mean = new double[d];
            for (int o = 0; o < per; o++) for (int j = 0; j < d; j++) mean[j] += p[o] * k[gi * per + o][j];
            for (int o = 0; o < per; o++) for (int j = 0; j < d; j++) t[gi * per + o][j] = p[o] * (k[gi * per + o][j] - mean[j]);
        }
        return t;
    }

    private long width(String var) {
        INDArray a = model.sameDiff().output(feed(0, Math.min(2, data.size())), var).get(var);
        if (a.rank() != 2) throw new IllegalArgumentException("'" + var + "' has shape " + java.util.Arrays.toString(a.shape()) + "; expected [batch, units]");
        return a.size(1);
    }

    private static INDArray oneHot(long n, int i, DataType t) {
        INDArray s = Nd4j.zeros(t, 1, n);
        s.putScalar(0, i, 1);
        return s;
    }
}
