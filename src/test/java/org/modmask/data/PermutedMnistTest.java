package org.modmask.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The reference's permuted-MNIST tasks on the shared MNIST copy (MODMASK_DATA, as CI sets it). */
class PermutedMnistTest {
    @Test
    void splitNormalizationAndPermutations() {
        PermutedMnist t = PermutedMnist.load();
        assertEquals(48_017, t.train(0).size());
        assertEquals(11_983, t.valid(0).size());
        assertEquals(0.1307, t.stats()[0], 1e-4);
        assertEquals(0.3081, t.stats()[1], 1e-4);
        int[] p = PermutedMnist.permutation(1);
        assertEquals(649, p[0], "RandomState(1).permutation(784)[0]");
        var x0 = t.train(0).column("x");
        var x1 = t.train(1).column("x");
        for (int j = 0; j < 784; j += 37) assertEquals(x0.getFloat(5, p[j]), x1.getFloat(5, j), 0);
        assertArrayEquals(t.train(0).column("label").toIntVector(), t.train(1).column("label").toIntVector());
        assertEquals(0, PermutedMnist.permutation(0)[0]);
        assertEquals(783, PermutedMnist.permutation(0)[783]);
        assertThrows(IllegalArgumentException.class, () -> PermutedMnist.permutation(-1));
    }
}
