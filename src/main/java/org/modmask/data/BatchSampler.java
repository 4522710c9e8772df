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
    private final int[][] buckets;
    private final int[] bucketOf;      // position in the concatenated buckets → bucket

    public BatchSampler(int n, int batchSize, long seed) {
        this(n, batchSize, seed, null);
    }

    /**
     * Batches from one bucket each: the bucket of a uniformly drawn example, then the whole batch from that bucket
     * with replacement, so every example is still drawn equally often on average.
     */
    public BatchSampler(int[][] buckets, int batchSize, long seed) {
        this(java.util.Arrays.stream(buckets).mapToInt(b -> b.length).sum(), batchSize, seed, buckets);
    }

    private BatchSampler(int n, int batchSize, long seed, int[][] buckets) {
        if (n <= 0) throw new IllegalArgumentException("cannot sample from an empty dataset (size " + n + ")");
        if (batchSize <= 0) throw new IllegalArgumentException("batch size must be positive, got " + batchSize);
        this.n = n;
        this.batchSize = batchSize;
        this.seed = seed;
        this.buckets = buckets;
        this.bucketOf = buckets == null ? null : new int[n];
        int at = 0;
        for (int k = 0; buckets != null && k < buckets.length; k++)
            for (int i = 0; i < buckets[k].length; i++) bucketOf[at++] = k;
    }

    /** Indices of batch number {@code step}. */
    public int[] batch(long step) {
        SplittableRandom r = new SplittableRandom(mix(seed, step));
        int[] idx = new int[batchSize];
        if (buckets == null) {
            for (int i = 0; i < batchSize; i++) idx[i] = r.nextInt(n);
            return idx;
        }
        int[] bucket = buckets[bucketOf[r.nextInt(n)]];
        for (int i = 0; i < batchSize; i++) idx[i] = bucket[r.nextInt(bucket.length)];
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
