package org.modmask.train;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SGD with momentum and L2 weight decay exactly as PyTorch computes it ({@code g += wd·w; v = μ·v + g; w −= lr·v}),
 * over named arrays updated in place: the reference's optimizer for ResNet-110 (spec §3.5).
 */
public final class Sgd {
    private double lr;
    private final double momentum, weightDecay;
    private long t;
    private final LinkedHashMap<String, INDArray> velocity = new LinkedHashMap<>();

    public Sgd(double lr, double momentum, double weightDecay) {
        if (!(lr > 0)) throw new IllegalArgumentException("learning rate must be > 0, got " + lr);
        if (!(momentum >= 0 && momentum < 1)) throw new IllegalArgumentException("momentum must be in [0,1), got " + momentum);
        if (!(weightDecay >= 0)) throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
    }

    /** One update with every gradient scaled by {@code gradScale} (a clip factor); the gradients are overwritten. */
    public void step(Map<String, INDArray> params, Map<String, INDArray> grads, double gradScale) {
        t++;
        for (var e : params.entrySet()) {
            INDArray w = e.getValue(), g = grads.get(e.getKey());
            if (g == null) continue;
            if (gradScale != 1) g.muli(gradScale);
            if (weightDecay > 0) g.addi(w.mul(weightDecay));
            INDArray v = velocity.get(e.getKey());
            if (v == null) velocity.put(e.getKey(), v = g.dup());   // PyTorch: the first step's buffer is the gradient
            else v.muli(momentum).addi(g);
            w.subi(v.mul(lr));
        }
    }

    public long steps() {
        return t;
    }

    public double lr() {
        return lr;
    }

    public void lr(double v) {
        lr = v;
    }

    /** The momentum buffers (what a checkpoint saves). */
    public Map<String, INDArray> velocity() {
        return velocity;
    }

    public void restore(long steps, Map<String, INDArray> v) {
        t = steps;
        velocity.clear();
        v.forEach((k, a) -> velocity.put(k, a.dup()));
    }
}
