package org.modmask.mask;

import org.modmask.data.BatchSampler;
import org.modmask.nn.HostFloats;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.FloatBuffer;

/**
 * The mask hot path in one pass per sample, in plain Java over the arrays' native memory (ND4J would need a
 * dozen separate element-wise passes with temporaries). With {@code a = e^l} computed once per step:
 * the hard sample is {@code b = 1[l + log u − log(1−u) > 0] = 1[u > 1/(1+a)]}, and the straight-through factor
 * {@code s(1−s)} with {@code s = σ(l + log u − log(1−u)) = a·u / ((1−u) + a·u)} needs no transcendental function.
 * Uniforms come from a counter-based generator: the same (seed, step, sample, tensor) always gives the same
 * draws, however many threads run.
 */
final class FusedSampler {
    private static final double MAX_LOGIT = 80;

    private FusedSampler() {
    }

    /** True when the fast path applies (see {@link HostFloats#supports}). */
    static boolean supports(INDArray... arrays) {
        return HostFloats.supports(arrays);
    }

    static FloatBuffer view(INDArray a) {
        return HostFloats.view(a);
    }

    /**
     * {@code a = e^min(l, 80)} into {@code a}, once per step. The cap keeps {@code a·u} finite, so the sampling loop
     * needs no special case: above 80 every sample keeps the weight and {@code s(1−s)} rounds to 0 either way.
     */
    static INDArray expLogits(INDArray a, INDArray logits) {
        return Transforms.exp(Transforms.min(a.assign(logits), MAX_LOGIT, false), false);
    }

    /**
     * Writes {@code W ⊙ b} into {@code eff} and {@code s(1−s)} into {@code ds}, with {@code expL} from
     * {@link #expLogits}.
     *
     * @param uniforms given uniforms (tests), or null to draw them from (seed, step, sample, tensor)
     */
    static void sample(FloatBuffer w, FloatBuffer expL, FloatBuffer eff, float[] ds, FloatBuffer uniforms,
                       long seed, long step, int sample, int tensor) {
        long base = BatchSampler.mix(BatchSampler.mix(seed, step), ((long) sample << 32) | tensor);
        // heap chunks, copied in and out of native memory in bulk
        HostFloats.chunks(ds.length, (c, from, len, t) -> {
            float[] u = t[0], a = t[1], wc = t[2], e = t[3];
            if (uniforms != null) uniforms.get(from, u, 0, len);
            else uniforms(BatchSampler.mix(base, c), u, len);
            w.get(from, wc, 0, len);
            expL.get(from, a, 0, len);
            sampleChunk(u, a, wc, e, ds, from, len);
            eff.put(from, e, 0, len);
        });
    }

    /** SplitMix64 from {@code state}, 24 bits per uniform: (0, 1), never 0 or 1. */
    private static void uniforms(long state, float[] u, int len) {
        for (int i = 0; i < len; i++) {
            state += 0x9E3779B97F4A7C15L;
            long z = state;
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            z ^= z >>> 31;
            u[i] = ((z >>> 40) + 0.5f) * 0x1.0p-24f;
        }
    }

    /**
     * Branch-free on purpose: {@code keep} is a coin flip per weight, and a mispredicted branch per element made
     * this loop three times slower. The sign bit of {@code r − q} is set exactly when {@code q > r}.
     */
    private static void sampleChunk(float[] u, float[] a, float[] w, float[] eff, float[] ds, int off, int len) {
        for (int i = 0; i < len; i++) {
            float q = a[i] * u[i], r = 1 - u[i];
            int keep = Float.floatToRawIntBits(r - q) >> 31;                 // all ones or all zeros
            eff[i] = Float.intBitsToFloat(Float.floatToRawIntBits(w[i]) & keep);
            float s = q / (r + q);                                             // q = 0 gives 0; q ≤ e^80 stays finite
            ds[off + i] = s * (1 - s);
        }
    }

    /** {@code grad += scale · G ⊙ W ⊙ ds}. */
    static void accumulate(FloatBuffer grad, FloatBuffer g, FloatBuffer w, float[] ds, float scale) {
        HostFloats.chunks(ds.length, (c, from, len, t) -> {
            for (int i = from; i < from + len; i++) grad.put(i, grad.get(i) + scale * g.get(i) * w.get(i) * ds[i]);
        });
    }
}
