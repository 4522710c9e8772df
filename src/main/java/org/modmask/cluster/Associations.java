package org.modmask.cluster;

import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/**
 * How strongly two hidden units of an MLP are associated (Lange et al. 2022, spec §1), from the closed forms for
 * {@code h^ℓ = relu(h^{ℓ−1} W_ℓᵀ + b_ℓ)}, {@code z = h^L W_outᵀ + b_out}: activation covariance and input-gradient
 * similarity look upstream, output-gradient similarity and the loss Hessian look downstream. Each comes raw and
 * normalized; the association matrix is {@code |M|}, optionally divided by {@code σ_i σ_j} with {@code σ_i = √M_ii},
 * with its diagonal set to zero. Expectations are averages over the given data (the paper: the test split).
 * <pre>{@code
 * var assoc = Associations.of(mlp, test);                        // parameters layers.0.weight, ...
 * double[][] a = assoc.matrix(Associations.Method.FORWARD_COV_NORM, 0);
 * Partition p = Clusterer.of(a).run();
 * }</pre>
 */
public final class Associations {
    /** The paper's eight measures; {@link #key()} is the reference code's name. */
    public enum Method {
        FORWARD_COV("forward_cov", "input covariance", true, false),
        FORWARD_COV_NORM("forward_cov_norm", "input covariance (norm.)", true, true),
        FORWARD_JAC("forward_jac", "input gradient", true, false),
        FORWARD_JAC_NORM("forward_jac_norm", "input gradient (norm.)", true, true),
        BACKWARD_JAC("backward_jac", "output gradient", false, false),
        BACKWARD_JAC_NORM("backward_jac_norm", "output gradient (norm.)", false, true),
        BACKWARD_HESS("backward_hess", "output hessian", false, false),
        BACKWARD_HESS_NORM("backward_hess_norm", "output hessian (norm.)", false, true);

        private final String key, label;
        private final boolean upstream, normalized;

        Method(String key, String label, boolean upstream, boolean normalized) {
            this.key = key;
            this.label = label;
            this.upstream = upstream;
            this.normalized = normalized;
        }

        public String key() {
            return key;
        }

        public String label() {
            return label;
        }

        /** Upstream (what feeds a unit) or downstream (what a unit feeds). */
        public boolean upstream() {
            return upstream;
        }

        public boolean normalized() {
            return normalized;
        }
    }

    private final List<INDArray> w = new ArrayList<>(), b = new ArrayList<>();   // [out, in] and [out], double
    private final INDArray x;
    private final int groups;
    private final int batch = 100;
    private final java.util.Map<String, double[][]> cache = new java.util.HashMap<>();

    private Associations(Model mlp, INDArray x, int groups) {
        for (int l = 0; mlp.hasParam("layers." + l + ".weight"); l++) {
            w.add(mlp.get("layers." + l + ".weight").castTo(DataType.DOUBLE));
            b.add(mlp.hasParam("layers." + l + ".bias") ? mlp.get("layers." + l + ".bias").castTo(DataType.DOUBLE).reshape(-1)
                    : Nd4j.zeros(DataType.DOUBLE, w.get(l).size(0)));
        }
        if (w.size() < 2)
            throw new IllegalArgumentException(mlp.kind() + " is not an MLP with hidden layers (parameters layers.0.weight, layers.1.weight, ...)");
        long out = w.get(w.size() - 1).size(0);
        if (groups <= 0 || out % groups != 0)
            throw new IllegalArgumentException("the " + out + " outputs do not split into " + groups + " softmax groups");
        this.x = x.castTo(DataType.DOUBLE);
        this.groups = groups;
    }

    /** Associations of an MLP's hidden units on the data's {@code x} column; one softmax over the outputs. */
    public static Associations of(Model mlp, Dataset data) {
        return new Associations(mlp, data.column("x"), 1);
    }

    /** The same for an MLP whose outputs are {@code groups} independent softmaxes (e.g. 2 digits × 10). */
    public static Associations of(Model mlp, Dataset data, int groups) {
        return new Associations(mlp, data.column("x"), groups);
    }

    /** Number of hidden layers. */
    public int layers() {
        return w.size() - 1;
    }

    /** The association matrix (non-negative, symmetric, zero diagonal) of hidden layer {@code layer} (0-based). */
    public double[][] matrix(Method m, int layer) {
        if (layer < 0 || layer >= layers())
            throw new IllegalArgumentException("hidden layer " + layer + " does not exist; this MLP has layers 0.." + (layers() - 1));
        String base = m.key().replace("_norm", "") + "@" + layer;     // raw and normalized share one computation
        double[][] raw = cache.computeIfAbsent(base, k -> (switch (m) {
            case FORWARD_COV, FORWARD_COV_NORM -> covariance(layer);
            case FORWARD_JAC, FORWARD_JAC_NORM -> inputGradient(layer);
            case BACKWARD_JAC, BACKWARD_JAC_NORM -> outputGradient(layer, false);
            case BACKWARD_HESS, BACKWARD_HESS_NORM -> outputGradient(layer, true);
        }).toDoubleMatrix());
        return association(raw, m.normalized());
    }

    /** |M|, optionally normalized by √(M_ii M_jj) (floored at 1e-12), diagonal set to zero (spec §1 steps 1–3). */
    static double[][] association(double[][] m, boolean normalize) {
        int n = m.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) {
                double v = Math.abs(0.5 * (m[i][j] + m[j][i]));
                if (normalize) v /= Math.max(Math.sqrt(Math.abs(m[i][i])), 1e-12) * Math.max(Math.sqrt(Math.abs(m[j][j])), 1e-12);
                a[i][j] = i == j ? 0 : v;
            }
        return a;
    }

    /** Hidden activations of every layer for rows [from, to). */
    private List<INDArray> activations(int from, int to) {
        List<INDArray> h = new ArrayList<>();
        INDArray cur = x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to), org.nd4j.linalg.indexing.NDArrayIndex.all());
        for (int l = 0; l < layers(); l++) {
            cur = org.nd4j.linalg.ops.transforms.Transforms.relu(cur.mmul(w.get(l).transpose()).addiRowVector(b.get(l)), false);
            h.add(cur);
        }
        return h;
    }

    private INDArray covariance(int layer) {
        int n = (int) x.size(0);
        long d = w.get(layer).size(0);
        INDArray sum = Nd4j.zeros(DataType.DOUBLE, d), outer = Nd4j.zeros(DataType.DOUBLE, d, d);
        for (int from = 0; from < n; from += batch) {
            INDArray h = activations(from, Math.min(n, from + batch)).get(layer);
            sum.addi(h.sum(0));
            outer.addi(h.transpose().mmul(h));
        }
        INDArray mean = sum.divi(n);
        return outer.divi(n).subi(mean.reshape(d, 1).mmul(mean.reshape(1, d)));    // population covariance
    }

    /**
     * E[J Jᵀ] with J = ∂h^ℓ/∂x = D_ℓ W_ℓ ⋯ D_1 W_1, per sample. Only J Jᵀ is needed, so W_1 (d₁ × 784) is replaced by
     * a d₁ × d₁ factor R with R Rᵀ = W_1 W_1ᵀ: the same Gram matrix at a twelfth of the work for 64 units. J of a
     * batch is laid out as [d, B·r].
     */
    private INDArray inputGradient(int layer) {
        int n = (int) x.size(0);
        INDArray first = inputFactor();
        long in = first.size(1);
        long d = w.get(layer).size(0);
        INDArray g = Nd4j.zeros(DataType.DOUBLE, d, d);
        for (int from = 0; from < n; from += batch) {
            int bsz = Math.min(n, from + batch) - from;
            List<INDArray> h = activations(from, from + bsz);
            INDArray j = Nd4j.tile(first, 1, bsz);                                   // [d₁, B·r]: R per sample
            j = maskColumns(j, h.get(0), in);
            for (int l = 1; l <= layer; l++) {
                j = w.get(l).mmul(j);
                j = maskColumns(j, h.get(l), in);
            }
            g.addi(j.mmul(j.transpose()));
        }
        return g.divi(n);
    }

    /** The Cholesky factor of W_1 W_1ᵀ when it is well conditioned and smaller than W_1, else W_1 itself. */
    private INDArray inputFactor() {
        INDArray w1 = w.get(0);
        int d = (int) w1.size(0);
        if (d >= w1.size(1)) return w1;
        double[][] k = w1.mmul(w1.transpose()).toDoubleMatrix(), r = new double[d][d];
        double largest = 0;
        for (int i = 0; i < d; i++) largest = Math.max(largest, k[i][i]);
        for (int i = 0; i < d; i++)
            for (int j = 0; j <= i; j++) {
                double s = k[i][j];
                for (int t = 0; t < j; t++) s -= r[i][t] * r[j][t];
                if (i == j) {
                    if (s <= 1e-10 * largest) return w1;                          // (near-)singular: keep the exact product
                    r[i][i] = Math.sqrt(s);
                } else r[i][j] = s / r[j][j];
            }
        return Nd4j.createFromArray(r);
    }

    /** Multiplies row r of the block of sample s (columns s·in .. (s+1)·in) by 1[h_sr > 0]. */
    private static INDArray maskColumns(INDArray j, INDArray h, long in) {
        if (j.ordering() != 'c' || j.isView()) j = j.dup('c');                  // reshape below must be a view
        long rows = j.size(0), samples = h.size(0);
        INDArray m = h.gt(0).castTo(DataType.DOUBLE).transpose().dup('c');              // [rows, samples]
        INDArray j3 = j.reshape('c', rows, samples, in);
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp(j3, m, j3, 0, 1));
        return j;
    }

    /**
     * E[Kᵀ K] (output gradient) or E[Kᵀ (diag p − ppᵀ) K] (loss Hessian, per softmax group) with K = ∂z/∂h^ℓ =
     * W_out D_L W_L ⋯ D_{ℓ+1} W_{ℓ+1}; K of a batch laid out as [B·out, d].
     */
    private INDArray outputGradient(int layer, boolean hessian) {
        int n = (int) x.size(0);
        int top = layers();
        long out = w.get(top).size(0), d = w.get(layer).size(0);
        INDArray g = Nd4j.zeros(DataType.DOUBLE, d, d);
        for (int from = 0; from < n; from += batch) {
            int bsz = Math.min(n, from + batch) - from;
            List<INDArray> h = activations(from, from + bsz);
            INDArray k = Nd4j.tile(w.get(top), bsz, 1);                             // [B·out, d_L]: W_out per sample
            for (int l = top - 1; l > layer; l--) {
                k = maskRows(k, h.get(l), out);
                k = k.mmul(w.get(l));
            }
            if (!hessian) {
                g.addi(k.transpose().mmul(k));
                continue;
            }
            INDArray z = h.get(top - 1).mmul(w.get(top).transpose()).addiRowVector(b.get(top));
            g.addi(k.transpose().mmul(softmaxCurvature(k, z, bsz, (int) out, groups)));
        }
        return g.divi(n);
    }

    /** (diag p − ppᵀ) K for every sample's block of rows of K ([B·out, d]) and each softmax group's rows. */
    private static INDArray softmaxCurvature(INDArray k, INDArray z, int samples, int out, int groups) {
        int d = (int) k.size(1), per = out / groups;
        double[] kv = k.dup('c').data().asDouble(), t = new double[kv.length], mean = new double[d];
        for (int s = 0; s < samples; s++)
            for (int gi = 0; gi < groups; gi++) {
                double[] p = softmax(z, s, gi * per, per);
                int row0 = s * out + gi * per;
                java.util.Arrays.fill(mean, 0);
                for (int o = 0; o < per; o++)
                    for (int c = 0; c < d; c++) mean[c] += p[o] * kv[(row0 + o) * d + c];          // Σ_o p_o K_o
                for (int o = 0; o < per; o++)
                    for (int c = 0; c < d; c++) t[(row0 + o) * d + c] = p[o] * (kv[(row0 + o) * d + c] - mean[c]);
            }
        return Nd4j.create(t, new long[]{k.size(0), d}, 'c');
    }

    /** Multiplies column c of the block of sample s (rows s·out .. (s+1)·out) by 1[h_sc > 0]. */
    private static INDArray maskRows(INDArray k, INDArray h, long out) {
        if (k.ordering() != 'c' || k.isView()) k = k.dup('c');
        INDArray m = h.gt(0).castTo(DataType.DOUBLE).dup('c');                          // [samples, d]
        INDArray k3 = k.reshape('c', h.size(0), out, k.size(1));
        Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp(k3, m, k3, 0, 2));
        return k;
    }

    private static double[] softmax(INDArray z, int row, int from, int len) {
        double max = Double.NEGATIVE_INFINITY;
        for (int o = 0; o < len; o++) max = Math.max(max, z.getDouble(row, from + o));
        double[] p = new double[len];
        double sum = 0;
        for (int o = 0; o < len; o++) sum += p[o] = Math.exp(z.getDouble(row, from + o) - max);
        for (int o = 0; o < len; o++) p[o] /= sum;
        return p;
    }
}
