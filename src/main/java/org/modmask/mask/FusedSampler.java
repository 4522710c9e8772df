package org.modmask.mask;

import org.modmask.data.BatchSampler;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * The mask hot path in one pass per sample, in plain Java over the arrays' native memory (ND4J would need a
 * dozen separate element-wise passes with temporaries). With {@code a = e^l} computed once per step:
 * the hard sample is {@code b = 1[l + log u − log(1−u) > 0] = 1[u > 1/(1+a)]}, and the straight-through factor
 * {@code s(1−s)} with {@code s = σ(l + log u − log(1−u)) = a·u / ((1−u) + a·u)} needs no transcendental function.
 * Uniforms come from a counter-based generator: the same (seed, step, sample, tensor) always gives the same
 * draws, however many threads run.
 */
final class FusedSampler {
    private static final int CHUNK = 1 << 15;

    private FusedSampler() {
    }

    /** On a GPU backend the arrays live in device memory; the Java pass would read stale host copies. */
    private static final boolean CPU = Nd4j.getBackend().getClass().getName().contains(".cpu.");

    /** True when the fast path applies: CPU backend, float, contiguous, row-major, unshared buffers. */
    static boolean supports(INDArray... arrays) {
        if (!CPU) return false;
        for (INDArray a : arrays)
            if (a.dataType() != DataType.FLOAT || a.isView() || a.ordering() != 'c' || a.offset() != 0) return false;
        return true;
    }

    static FloatBuffer view(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /**
     * Writes {@code W ⊙ b} into {@code eff} and {@code s(1−s)} into {@code ds}.
     *
     * @param uniforms given uniforms (tests), or null to draw them from (seed, step, sample, tensor)
     */
    static void sample(FloatBuffer w, FloatBuffer expL, FloatBuffer eff, float[] ds, FloatBuffer uniforms,
                       long seed, long step, int sample, int tensor) {
        int n = ds.length;
        int chunks = (n + CHUNK - 1) / CHUNK;
        long base = BatchSampler.mix(BatchSampler.mix(seed, step), ((long) sample << 32) | tensor);
        IntStream.range(0, chunks).parallel().forEach(c -> {
            long state = BatchSampler.mix(base, c);
            int from = c * CHUNK, to = Math.min(n, from + CHUNK);
            for (int i = from; i < to; i++) {
                float u;
                if (uniforms != null) u = uniforms.get(i);
                else {
                    state += 0x9E3779B97F4A7C15L;                 // SplitMix64
                    long z = state;
                    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
                    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
                    z ^= z >>> 31;
                    u = ((z >>> 40) + 0.5f) * 0x1.0p-24f;          // (0, 1), never 0 or 1
                }
                float a = expL.get(i);
                float q = a * u, r = 1 - u;
                boolean keep = q > r;                              // l + log u − log(1−u) > 0
                eff.put(i, keep ? w.get(i) : 0f);
                if (Float.isInfinite(q) || q == 0f) ds[i] = 0f;
                else {
                    float s = q / (r + q);
                    ds[i] = s * (1 - s);
                }
            }
        });
    }

    /** {@code grad += scale · G ⊙ W ⊙ ds}. */
    static void accumulate(FloatBuffer grad, FloatBuffer g, FloatBuffer w, float[] ds, float scale) {
        int n = ds.length;
        int chunks = (n + CHUNK - 1) / CHUNK;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int from = c * CHUNK, to = Math.min(n, from + CHUNK);
            for (int i = from; i < to; i++) grad.put(i, grad.get(i) + scale * g.get(i) * w.get(i) * ds[i]);
        });
    }
}
