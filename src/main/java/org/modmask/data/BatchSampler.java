package org.modmask.data;

import java.util.SplittableRandom;

/**
 * Seeded sampling of batches with replacement, as the reference implementation does. Batch {@code t} depends
 * only on (seed, t), so a resumed run draws exactly the batches an uninterrupted one would have.
 */
public final class BatchSampler {
    private final int n;
    private final int batchSize;
    private final long seed;

    public BatchSampler(int n, int batchSize, long seed) {
        if (n <= 0) throw new IllegalArgumentException("cannot sample from an empty dataset (size " + n + ")");
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        this.n = n;
        this.batchSize = batchSize;
        this.seed = seed;
    }

    /** Indices of batch number {@code step}. */
    public int[] batch(long step) {
        SplittableRandom r = new SplittableRandom(mix(seed, step));
        int[] idx = new int[batchSize];
        for (int i = 0; i < batchSize; i++) idx[i] = r.nextInt(n);
        return idx;
    }

    public int batchSize() {
        return batchSize;
    }

    /** A well-mixed 64-bit seed from two numbers (SplitMix64 finalizer). */
    public static long mix(long a, long b) {
        long z = a * 0x9E3779B97F4A7C15L + b + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
