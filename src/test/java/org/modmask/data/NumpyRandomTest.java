package org.modmask.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** Values printed by NumPy 1.24 ({@code numpy.random.RandomState}), the generator the reference uses for its splits. */
class NumpyRandomTest {
    @Test
    void randMatchesNumpy() {
        double[] r = new NumpyRandom(0xC1CAFA52L).rand(50_000);
        assertEquals(0.705208773007341, r[0], 1e-15);
        assertEquals(0.29989855936446386, r[1], 1e-15);
        assertEquals(0.6088585904283994, r[2], 1e-15);
        long kept = java.util.Arrays.stream(r).filter(v -> v > 0.2).count();
        assertEquals(40_053, kept, "CIFAR-10 train part of the 50k split");
        long mnist = java.util.Arrays.stream(new NumpyRandom(0xC1CAFA52L).rand(60_000)).filter(v -> v > 0.2).count();
        assertEquals(48_017, mnist, "MNIST train part of the 60k split");
    }

    @Test
    void permutationMatchesNumpy() {
        assertArrayEquals(new int[]{9, 5, 2, 4, 7, 1, 0, 8, 6, 3}, new NumpyRandom(5).permutation(10));
        int[] p1 = new NumpyRandom(1).permutation(784);
        assertArrayEquals(new int[]{649, 265, 111, 301, 339, 559, 742, 202, 600, 680}, java.util.Arrays.copyOf(p1, 10));
        int[] p10 = new NumpyRandom(10).permutation(784);
        assertArrayEquals(new int[]{369, 320, 527, 125, 265}, java.util.Arrays.copyOfRange(p10, 779, 784));
    }

    @Test
    void rejectsSeedsOutsideNumpysRange() {
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandom(-1));
        assertThrows(IllegalArgumentException.class, () -> new NumpyRandom(1L << 32));
    }
}
