package org.modmask.mask;

import org.modmask.data.BatchSampler;
import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.train.Adam;
import org.modmask.train.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.*;

/**
 * Weights and their mask trained together, as in the permuted-MNIST transfer experiment (spec §3.7): the
 * effective weight is {@code W ⊙ b} with {@code b} the Gumbel-sigmoid straight-through sample of the logits;
 * {@code W} gets {@code ∂L/∂W_eff ⊙ b}, the logits get the usual straight-through gradient plus β / batch size,
 * both share one Adam and one global-norm clip. Weights marked frozen (earlier tasks' weights) get no update.
 * <pre>{@code
 * WeightMask m = JointMasks.of(net).frozen(used).steps(30_000).train(task, start);   // net's weights change too
 * }</pre>
 */
public final class JointMasks {
    private final Model model;
    private double lr = 0.01, beta = 0.00128, clip = 1.0;
    private long steps = 30_000, seed = 1234, noiseSeed = 42;
    private int k = 8, batchSize = 128;
    private Map<String, INDArray> frozen = Map.of();

    private JointMasks(Model model) {
        this.model = model;
    }

    /** The spec's permuted-MNIST settings: lr 0.01, β 0.00128, K = 8, batch 128, 30,000 steps, clip 1. */
    public static JointMasks of(Model model) {
        return new JointMasks(model);
    }

    public JointMasks lr(double v) {
        if (!(v > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + v);
        lr = v;
        return this;
    }

    public JointMasks beta(double b) {
        if (!(b >= 0) || Double.isInfinite(b)) throw new IllegalArgumentException("beta must be a finite number >= 0, got " + b);
        beta = b;
        return this;
    }

    public JointMasks steps(long s) {
        if (s < 0) throw new IllegalArgumentException("steps must be >= 0, got " + s);
        steps = s;
        return this;
    }

    public JointMasks samples(int kk) {
        if (kk <= 0 || batchSize % kk != 0) throw new IllegalArgumentException("K = " + kk + " must be > 0 and divide the batch size " + batchSize);
        k = kk;
        return this;
    }

    public JointMasks batchSize(int b) {
        if (b <= 0 || b % k != 0) throw new IllegalArgumentException("batch size " + b + " must be > 0 and divisible by K = " + k);
        batchSize = b;
        return this;
    }

    public JointMasks clip(double c) {
        if (c < 0 || Double.isNaN(c)) throw new IllegalArgumentException("clip must be >= 0, got " + c);
        clip = c;
        return this;
    }

    public JointMasks seed(long s) {
        seed = s;
        return this;
    }

    public JointMasks noiseSeed(long s) {
        noiseSeed = s;
        return this;
    }

    /** Per parameter, 1 where the weight is frozen (kept as it is) and 0 where it trains. */
    public JointMasks frozen(Map<String, INDArray> oneWhereFrozen) {
        for (var e : oneWhereFrozen.entrySet())
            if (!Arrays.equals(e.getValue().shape(), model.get(e.getKey()).shape()))
                throw new IllegalArgumentException("frozen pattern of '" + e.getKey() + "' has shape " + Arrays.toString(e.getValue().shape())
                        + ", the parameter " + Arrays.toString(model.get(e.getKey()).shape()));
        frozen = oneWhereFrozen;
        return this;
    }

    /** Trains the model's masked weights (in place) and a mask starting from {@code start}'s logits. */
    public WeightMask train(Dataset data, WeightMask start) {
        start.checkFits(model);
        List<String> names = start.params();
        LinkedHashMap<String, INDArray> logits = new LinkedHashMap<>(), w = new LinkedHashMap<>();
        LinkedHashMap<String, INDArray> params = new LinkedHashMap<>(), grads = new LinkedHashMap<>();
        Map<String, INDArray> ones = new HashMap<>(), b = new HashMap<>(), expL = new HashMap<>();
        Map<String, float[]> ds = new HashMap<>();
        for (String n : names) {
            INDArray p = model.get(n);
            if (!FusedSampler.supports(p)) throw new IllegalArgumentException("joint training needs float32 parameters on the CPU backend; '" + n + "' is not");
            logits.put(n, start.logits(n).dup().castTo(p.dataType()));
            w.put(n, p.dup());
            params.put("w:" + n, w.get(n));
            params.put("l:" + n, logits.get(n));
            grads.put("w:" + n, p.ulike());
            grads.put("l:" + n, p.ulike());
            ones.put(n, p.ulike().assign(1));
            b.put(n, p.ulike());
            expL.put(n, p.ulike());
            ds.put(n, new float[(int) p.length()]);
        }
        Adam adam = new Adam(lr);
        BatchSampler sampler = data.sampler(batchSize, seed);
        int chunk = batchSize / k;
        try (Progress bar = Progress.Factory.start("weights + mask '" + start.name() + "'", steps)) {
            double running = Double.NaN;
            for (long t = 0; t < steps; t++) {
                if (Thread.interrupted())       // JJava's interrupt only sets the thread's flag
                    throw new java.util.concurrent.CancellationException("weights + mask '" + start.name() + "' interrupted at step " + t + " of " + steps);
                Map<String, INDArray> batch = data.rows(sampler.batch(t));
                grads.values().forEach(g -> g.assign(0));
                for (String n : names) FusedSampler.expLogits(expL.get(n), logits.get(n));
                double loss = 0;
                for (int s = 0; s < k; s++) {
                    int ti = 0;
                    for (String n : names) {         // b into its buffer (W = 1), then W ⊙ b into the model
                        FusedSampler.sample(FusedSampler.view(ones.get(n)), FusedSampler.view(expL.get(n)), FusedSampler.view(b.get(n)),
                                ds.get(n), null, noiseSeed, t, s, ti++);
                        w.get(n).mul(b.get(n), model.get(n));
                    }
                    Model.Step st = model.step(Masks.chunkOf(batch, s, chunk), names);
                    loss += st.loss() / k;
                    for (String n : names) {
                        INDArray g = st.gradients().get(n);
                        if (!FusedSampler.supports(g)) g = g.dup('c');
                        grads.get("w:" + n).addi(g.mul(b.get(n)).muli(1.0 / k));
                        // the sample ran on W = 1, so its factor is s(1−s) alone: W goes into G, which is not read again
                        FusedSampler.accumulate(FusedSampler.view(grads.get("l:" + n)), FusedSampler.view(g.muli(w.get(n))), ds.get(n), 1.0f / k);
                    }
                    st.free();
                }
                batch.values().forEach(INDArray::close);
                for (String n : names) {
                    INDArray f = frozen.get(n);
                    if (f != null) grads.get("w:" + n).muli(f.rsub(1));
                    grads.get("l:" + n).addi(beta / batchSize);
                }
                adam.step(params, grads, Adam.clipFactor(grads.values(), clip));
                running = Double.isNaN(running) ? loss : 0.98 * running + 0.02 * loss;
                bar.update(t + 1, Map.of("loss", running));
            }
        } finally {
            for (String n : names) model.get(n).assign(w.get(n));    // the trained weights, unmasked
        }
        return new WeightMask(start.name(), logits);
    }
}
