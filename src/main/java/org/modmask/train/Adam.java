package org.modmask.train;

import org.modmask.nn.HostFloats;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;

import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam exactly as PyTorch computes it (bias-corrected moments, eps added after the square root), over a set
 * of named arrays updated in place. Its state (step count and both moments) is what a checkpoint saves.
 */
public final class Adam {
    private double lr;
    private final double beta1, beta2, eps;
    private long t;
    private final LinkedHashMap<String, INDArray> m = new LinkedHashMap<>();
    private final LinkedHashMap<String, INDArray> v = new LinkedHashMap<>();

    public Adam(double lr, double beta1, double beta2, double eps) {
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
        if (!(beta1 >= 0 && beta1 < 1)) throw new IllegalArgumentException("beta1 must be in [0,1), got " + beta1);
        if (!(beta2 >= 0 && beta2 < 1)) throw new IllegalArgumentException("beta2 must be in [0,1), got " + beta2);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8. */
    public Adam(double lr) {
        this(lr, 0.9, 0.999, 1e-8);
    }

    /**
     * One update of every named parameter with its gradient scaled by {@code gradScale} (e.g. a clip factor).
     * The gradient arrays may be overwritten.
     */
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double gradScale) {
        t++;
        double bc2 = 1 - Math.pow(beta2, t);
        // ND4J's fused updater computes lr·√bc2/bc1 · m / (√v + ε'); with ε' = ε·√bc2 this is exactly
        // PyTorch's lr/bc1 · m / (√v/√bc2 + ε), in one pass instead of a dozen.
        double epsPrime = eps * Math.sqrt(bc2);
        for (var e : params.entrySet()) {
            INDArray g = grads.get(e.getKey());
            if (g == null) continue;
            INDArray p = e.getValue();
            INDArray mi = m.computeIfAbsent(e.getKey(), k -> Nd4j.zerosLike(p));
            INDArray vi = v.computeIfAbsent(e.getKey(), k -> Nd4j.zerosLike(p));
            if (HostFloats.supports(p, g, mi, vi)) {
                fusedStep(p, g, mi, vi, gradScale, lr * Math.sqrt(bc2) / (1 - Math.pow(beta1, t)), epsPrime);
                continue;
            }
            if (g.isView() || g.ordering() != p.ordering()) g = g.dup(p.ordering());
            if (gradScale != 1.0) g.muli(gradScale);
            Nd4j.exec(new AdamUpdater(g, vi, mi, lr, beta1, beta2, epsPrime, (int) (t - 1)));
            p.subi(g);
        }
    }

    /**
     * The same update in one pass over float arrays (in float arithmetic, as ND4J's updater): ND4J's path reads
     * and writes the 12M logits of an FNN mask five times per step, this once.
     */
    private void fusedStep(INDArray p, INDArray g, INDArray m1, INDArray m2, double gradScale, double stepSize, double epsPrime) {
        FloatBuffer pb = HostFloats.view(p), gb = HostFloats.view(g), mb = HostFloats.view(m1), vb = HostFloats.view(m2);
        float scale = (float) gradScale, b1 = (float) beta1, b2 = (float) beta2, c1 = (float) (1 - beta1), c2 = (float) (1 - beta2);
        float step = (float) stepSize, e = (float) epsPrime;
        HostFloats.chunks((int) p.length(), (c, from, len, t) -> {
            float[] pa = t[0], ga = t[1], ma = t[2], va = t[3];
            pb.get(from, pa, 0, len);
            gb.get(from, ga, 0, len);
            mb.get(from, ma, 0, len);
            vb.get(from, va, 0, len);
            for (int i = 0; i < len; i++) {
                float gi = ga[i] * scale;
                float mi = b1 * ma[i] + c1 * gi, vi = b2 * va[i] + c2 * gi * gi;
                ma[i] = mi;
                va[i] = vi;
                pa[i] -= step * mi / ((float) Math.sqrt(vi) + e);
            }
            pb.put(from, pa, 0, len);
            mb.put(from, ma, 0, len);
            vb.put(from, va, 0, len);
        });
    }

    public long steps() {
        return t;
    }

    public double lr() {
        return lr;
    }

    public void lr(double lr) {
        this.lr = lr;
    }

    public Map<String, INDArray> firstMoments() {
        return m;
    }

    public Map<String, INDArray> secondMoments() {
        return v;
    }

    /** Restores state saved by a checkpoint. */
    public void restore(long steps, Map<String, INDArray> first, Map<String, INDArray> second) {
        t = steps;
        m.clear();
        v.clear();
        m.putAll(first);
        v.putAll(second);
    }

    /** The factor {@code min(1, maxNorm / ‖g‖)} of global-norm clipping; 1 when maxNorm ≤ 0 (no clipping). */
    public static double clipFactor(Iterable<INDArray> grads, double maxNorm) {
        if (maxNorm <= 0) return 1.0;
        double sq = 0;
        for (INDArray g : grads) {
            double n = g.norm2Number().doubleValue();
            sq += n * n;
        }
        double norm = Math.sqrt(sq);
        if (!Double.isFinite(norm)) throw new ArithmeticException("gradient norm is " + norm + " (expected a finite number)");
        return norm > maxNorm ? maxNorm / (norm + 1e-6) : 1.0;
    }
}
