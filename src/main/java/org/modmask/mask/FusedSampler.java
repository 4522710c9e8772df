package org.modmask.mask;

import org.modmask.data.BatchSampler;
import org.modmask.nn.HostFloats;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.scalar.ScalarMin;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
        Nd4j.exec(new ScalarMin(logits, null, a, MAX_LOGIT));           // min(l, 80) straight into a: no copy first
        return Transforms.exp(a, false);
    }

    /**
     * Writes {@code W ⊙ b} into {@code eff} and the straight-through factor {@code W ⊙ s(1−s)} into {@code factor}
     * (W folded in here, where it is read anyway, so that {@link #accumulate} reads one array less), with {@code expL} from
     * {@link #expLogits}.
     *
     * @param uniforms given uniforms (tests), or null to draw them from (seed, step, sample, tensor)
     */
    static void sample(FloatBuffer w, FloatBuffer expL, FloatBuffer eff, float[] factor, FloatBuffer uniforms,
                       long seed, long step, int sample, int tensor) {
        long base = BatchSampler.mix(BatchSampler.mix(seed, step), ((long) sample << 32) | tensor);
        // heap chunks, copied in and out of native memory in bulk
        HostFloats.chunks(factor.length, (c, from, len, t) -> {
            float[] u = t[0], a = t[1], wc = t[2], e = t[3];
            if (uniforms != null) uniforms.get(from, u, 0, len);
            else uniforms(BatchSampler.mix(base, c), u, len);
            w.get(from, wc, 0, len);
            expL.get(from, a, 0, len);
            sampleChunk(u, a, wc, e, len);
            eff.put(from, e, 0, len);
            System.arraycopy(u, 0, factor, from, len);
        });
    }

    /** {@code i · φ·2³²} for every index of a chunk: the counters of {@link #uniforms}, loaded instead of computed. */
    private static final int[] COUNTER = new int[HostFloats.CHUNK];

    static {
        for (int i = 0; i < COUNTER.length; i++) COUNTER[i] = i * 0x9E3779B9;
    }

    /** Per thread: the uniforms' bits, and native scratch through which they become floats. */
    private static final ThreadLocal<int[]> BITS = ThreadLocal.withInitial(() -> new int[HostFloats.CHUNK]);
    private static final ThreadLocal<ByteBuffer> CAST = ThreadLocal.withInitial(
            () -> ByteBuffer.allocateDirect(4 * HostFloats.CHUNK).order(ByteOrder.nativeOrder()));

    /**
     * Uniforms in (0, 1) for one chunk, from a 64-bit chunk key: element i gets two keyed rounds of a 32-bit
     * integer hash of its counter (multiply, xor-shift: every operation has a SIMD form, so the JIT vectorizes the
     * loop; SplitMix64's sequential state and 64-bit products did not, 1.1 ns per draw). 23 random bits, centred
     * in their interval: u = (k + ½)·2⁻²³, never 0 or 1. The JIT of Java 17 vectorizes no int → float conversion,
     * so the bits become floats as the mantissa of 1 + k·2⁻²³, through a bulk copy over native scratch memory.
     */
    static void uniforms(long key, float[] u, int len) {
        int k1 = (int) key, k2 = (int) (key >>> 32);
        int[] bits = BITS.get();
        for (int i = 0; i < len; i++) {
            int x = COUNTER[i] ^ k1;
            x ^= x >>> 16;
            x *= 0x7FEB352D;
            x ^= x >>> 15;
            x *= 0x846CA68B;
            x ^= x >>> 16;
            x ^= k2;
            x ^= x >>> 16;
            x *= 0x7FEB352D;
            x ^= x >>> 15;
            x *= 0x846CA68B;
            x ^= x >>> 16;
            bits[i] = (x >>> 9) | 0x3F800000;                               // 1 + k·2⁻²³ as float bits
        }
        ByteBuffer cast = CAST.get();
        cast.asIntBuffer().put(0, bits, 0, len);
        cast.asFloatBuffer().get(0, u, 0, len);
        for (int i = 0; i < len; i++) u[i] = (u[i] - 1) + 0x1.0p-24f;       // both steps exact
    }

    /**
     * Branch-free on purpose: {@code keep} is a coin flip per weight, and a mispredicted branch per element made
     * this loop three times slower. {@code b} is 1 exactly when {@code q > r}: a positive {@code q − r} is at least
     * 2⁻⁴⁸ (r ≥ 2⁻²⁴), so 2⁶⁰ times it is above 1; min and max, unlike a comparison, vectorize. {@code s(1−s)}
     * (times W) replaces {@code u}: the JIT vectorizes this loop only while every array is indexed by {@code i} alone.
     */
    private static void sampleChunk(float[] u, float[] a, float[] w, float[] eff, int len) {
        for (int i = 0; i < len; i++) {
            float q = a[i] * u[i], r = 1 - u[i];
            float b = Math.min(1f, Math.max(0f, (q - r) * 0x1.0p60f));
            eff[i] = w[i] * b;
            float s = q / (r + q);                                             // q = 0 gives 0; q ≤ e^80 stays finite
            u[i] = w[i] * (s * (1 - s));
        }
    }

    /** {@code grad += scale · G ⊙ factor}, with the factor {@code W ⊙ s(1−s)} of {@link #sample}. */
    static void accumulate(FloatBuffer grad, FloatBuffer g, float[] factor, float scale) {
        // element by element: already at the memory's speed (bulk copies into heap chunks made it slower)
        HostFloats.chunks(factor.length, (c, from, len, t) -> {
            for (int i = from; i < from + len; i++) grad.put(i, grad.get(i) + scale * g.get(i) * factor[i]);
        });
    }
}
