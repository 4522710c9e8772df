package org.modmask.data;

/**
 * NumPy's legacy {@code RandomState} (Mersenne Twister MT19937 with an integer seed), as far as the reference
 * implementation uses it to split data: {@link #rand()} and {@link #permutation(int)} give the very same numbers
 * as {@code numpy.random.RandomState(seed).rand(n)} and {@code .permutation(n)}, so our train/validation splits
 * and pixel permutations are the paper's own (checked against NumPy in {@code NumpyRandomTest}).
 */
public final class NumpyRandom {
    private final int[] mt = new int[624];
    private int index;

    /** {@code RandomState(seed)} for a seed in [0, 2³²). */
    public NumpyRandom(long seed) {
        if (seed < 0 || seed > 0xffffffffL) throw new IllegalArgumentException("seed must be in [0, 2^32), got " + seed);
        mt[0] = (int) seed;
        for (int i = 1; i < 624; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        index = 624;
    }

    /** The next 32 random bits (MT19937's genrand_int32), as an unsigned value. */
    public long nextInt32() {
        if (index >= 624) twist();
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xffffffffL;
    }

    private void twist() {
        for (int i = 0; i < 624; i++) {
            int y = (mt[i] & 0x80000000) | (mt[(i + 1) % 624] & 0x7fffffff);
            mt[i] = mt[(i + 397) % 624] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
        }
        index = 0;
    }

    /** A double in [0, 1) with 53 random bits, as {@code rand()}. */
    public double rand() {
        long a = nextInt32() >>> 5, b = nextInt32() >>> 6;
        return (a * 67108864.0 + b) / 9007199254740992.0;
    }

    public double[] rand(int n) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) r[i] = rand();
        return r;
    }

    /** A uniform integer in [0, max], by masked rejection as NumPy's legacy {@code rk_interval}. */
    long interval(long max) {
        if (max == 0) return 0;
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        long v;
        do v = nextInt32() & mask; while (v > max);
        return v;
    }

    /** A random permutation of 0..n−1, as {@code permutation(n)} (Fisher–Yates from the end). */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = (int) interval(i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
