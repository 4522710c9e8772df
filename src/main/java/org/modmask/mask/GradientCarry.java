package org.modmask.mask;

import org.modmask.nn.HostFloats;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.FloatBuffer;
import java.util.*;

/**
 * The state behind {@link Clipping#FAITHFUL} clipping (spec §1.5): what the reference leaves in PyTorch's
 * {@code .grad} buffers while it trains masks. The frozen parameters' gradient {@code G} is never zeroed, so every
 * step adds to it; the earlier stages' logits keep their last gradient. {@code clip_grad_norm_} takes one norm over
 * all of these and the current logits' gradient and rescales every one of them in place. Per step:
 * <pre>
 *   G ← G + g_t
 *   n = √(‖G‖² + ‖gL_t‖² + ‖old logits' grad‖²);   c = min(1, clip / (n + 1e-6))
 *   G ← c·G;   gL_t ← c·gL_t;   old ← c·old
 * </pre>
 * {@code G} starts as the base network's last clipped gradient ({@link #fromBase}) and is carried across the stages
 * of one run: pass the same carry to each stage's {@link Masks#carry}. Only the old logits' squared norm is kept,
 * since they are only ever rescaled.
 */
public final class GradientCarry {
    private final LinkedHashMap<String, INDArray> g = new LinkedHashMap<>();
    private double oldLogitsSq;
    private double lastLogitsSq;
    private double factorSum;
    private long factorCount;
    private int stages;

    private GradientCarry() {
    }

    /** {@code G = 0}: a base network whose last gradient is unknown (a checkpoint from before it was saved). */
    public static GradientCarry empty() {
        return new GradientCarry();
    }

    /** {@code G} = the base training's last clipped gradient (copied), as the reference carries it into the masks. */
    public static GradientCarry fromBase(Map<String, INDArray> lastClippedGradient) {
        GradientCarry c = new GradientCarry();
        if (lastClippedGradient != null) lastClippedGradient.forEach((n, a) -> c.g.put(n, a.dup()));
        return c;
    }

    /**
     * One step: adds the frozen parameters' new gradient to {@code G}, computes the clip factor over {@code G}, the
     * current logit gradient and the old logit gradients, and rescales {@code G} and the old ones in place. The
     * caller scales the current logit gradient by the returned factor (Adam's gradient scale).
     */
    double step(Map<String, INDArray> frozenGradient, Collection<INDArray> logitGradient, double maxNorm) {
        if (maxNorm <= 0) return 1.0;                          // no clip_grad_norm_ call at all: G plays no part
        double gSq = 0;
        for (var e : frozenGradient.entrySet()) {
            INDArray acc = g.get(e.getKey());
            if (acc == null) g.put(e.getKey(), acc = e.getValue().dup());
            else acc.addi(e.getValue());
            gSq += square(acc);
        }
        for (var e : g.entrySet())                          // parameters that got no new gradient still count
            if (!frozenGradient.containsKey(e.getKey())) gSq += square(e.getValue());
        double lSq = 0;
        for (INDArray a : logitGradient) lSq += square(a);
        double n = Math.sqrt(gSq + lSq + oldLogitsSq);
        if (!Double.isFinite(n)) throw new ArithmeticException("gradient norm is " + n + " (expected a finite number)");
        double c = Math.min(1.0, maxNorm / (n + 1e-6));
        if (c < 1.0) {
            for (INDArray a : g.values()) a.muli(c);
            oldLogitsSq *= c * c;
        }
        lastLogitsSq = c * c * lSq;
        factorSum += c;
        factorCount++;
        return c;
    }

    /** At the end of a stage: its logits' last (clipped) gradient joins the old ones. */
    void endStage() {
        oldLogitsSq += lastLogitsSq;
        lastLogitsSq = 0;
        stages++;
    }

    /**
     * A stage whose mask was loaded instead of trained: it counts as a stage (so later masks keep their keys), but
     * its gradients are unknown, so G and the old logit gradients stay as they are.
     */
    public void skipStage() {
        stages++;
    }

    /** How many stages this carry has seen end: a mask's place in its run, which changes what it was trained with. */
    public int stages() {
        return stages;
    }

    /** Everything a resumed mask training needs to go on exactly: G and the scalars, as of one step. */
    record State(Map<String, INDArray> g, double oldLogitsSq, double lastLogitsSq, double factorSum, long factorCount, int stages) {
    }

    State snapshot() {
        LinkedHashMap<String, INDArray> copy = new LinkedHashMap<>();
        g.forEach((n, a) -> copy.put(n, a.dup()));
        return new State(copy, oldLogitsSq, lastLogitsSq, factorSum, factorCount, stages);
    }

    void restore(State s) {
        g.clear();
        s.g().forEach((n, a) -> g.put(n, a.dup()));
        oldLogitsSq = s.oldLogitsSq();
        lastLogitsSq = s.lastLogitsSq();
        factorSum = s.factorSum();
        factorCount = s.factorCount();
        stages = s.stages();
    }

    /**
     * A digest of what this carry holds now (G, the old logit gradients, the stage count): two mask trainings that
     * start from carries of the same fingerprint take the same steps.
     */
    public String fingerprint() {
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (var e : g.entrySet()) {
                md.update(e.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                double[] d = e.getValue().dup().data().asDouble();
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8 * d.length);
                b.asDoubleBuffer().put(d);
                md.update(b);
            }
            md.update(java.nio.ByteBuffer.allocate(20).putDouble(oldLogitsSq).putDouble(lastLogitsSq).putInt(stages).array());
            return java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ‖G‖. */
    public double norm() {
        double s = 0;
        for (INDArray a : g.values()) s += square(a);
        return Math.sqrt(s);
    }

    /** The norm of the earlier stages' logit gradients. */
    public double oldLogitNorm() {
        return Math.sqrt(oldLogitsSq);
    }

    /** The mean clip factor since the last {@link #resetFactors} (NaN before any step): how much clipping damped the steps. */
    public double meanFactor() {
        return factorCount == 0 ? Double.NaN : factorSum / factorCount;
    }

    public void resetFactors() {
        factorSum = 0;
        factorCount = 0;
    }

    private static double square(INDArray a) {
        double n = a.norm2Number().doubleValue();
        return n * n;
    }

    /**
     * {@code acc += scale · g ⊙ [eff ≠ 0]}: a masked weight's share of {@code G}, {@code ∂L/∂W = ∂L/∂W_eff ⊙ b}, with
     * the sample {@code b} read from {@code W_eff = W ⊙ b} (a weight that is exactly 0 contributes nothing either way).
     */
    static void addKept(INDArray acc, INDArray grad, INDArray eff, float scale) {
        if (HostFloats.supports(acc, grad, eff)) {
            FloatBuffer a = HostFloats.view(acc), gb = HostFloats.view(grad), e = HostFloats.view(eff);
            HostFloats.chunks((int) acc.length(), (c, from, len, t) -> {
                for (int i = from; i < from + len; i++)
                    if (e.get(i) != 0f) a.put(i, a.get(i) + scale * gb.get(i));
            });
        } else {
            INDArray kept = eff.neq(0).castTo(acc.dataType());
            acc.addi(grad.castTo(acc.dataType()).mul(kept).muli(scale));
        }
    }

    /** {@code acc += scale · g} for an unmasked parameter. */
    static void add(INDArray acc, INDArray grad, float scale) {
        acc.addi(grad.castTo(acc.dataType()).mul(scale));
    }

    /** A zero array per name, shaped like the model's parameters. */
    static LinkedHashMap<String, INDArray> zeros(Map<String, INDArray> like) {
        LinkedHashMap<String, INDArray> z = new LinkedHashMap<>();
        like.forEach((n, a) -> z.put(n, Nd4j.zerosLike(a)));
        return z;
    }
}
