package org.modmask.cluster;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The secondary agreement measures of spec §2.4 on partitions whose answers are known. */
class AgreementTest {
    final int[] p = {0, 0, 0, 1, 1, 1, 2, 2};
    final int[] renamed = {4, 4, 4, 0, 0, 0, 9, 9};

    @Test
    void identicalPartitionsAgreeFully() {
        assertEquals(0, Agreement.variationOfInformation(p, renamed), 1e-12);
        assertEquals(0, Agreement.variationOfInformationNormalized(p, renamed), 1e-12);
        assertEquals(1, Agreement.matchingScore(p, renamed), 1e-12);
    }

    @Test
    void variationOfInformationOfOneClusterAgainstSingletonsIsLogN() {
        int n = 8;
        int[] one = new int[n], single = new int[n];
        for (int i = 0; i < n; i++) single[i] = i;
        assertEquals(Math.log(n), Agreement.variationOfInformation(one, single), 1e-12);
        assertEquals(1, Agreement.variationOfInformationNormalized(one, single), 1e-12);
    }

    @Test
    void matchingCountsTheBestOneToOneOverlapAndShufflesRarelyBeatIt() {
        int[] q = {0, 0, 1, 1, 1, 1, 2, 2};          // one unit of cluster 0 moved to cluster 1
        assertEquals(7.0 / 8, Agreement.matchingScore(p, q), 1e-12);
        int[] big = new int[60], same = new int[60];
        for (int i = 0; i < 60; i++) big[i] = same[i] = i / 10;
        assertTrue(Agreement.matchingP(big, same, 200, 1) < 0.01, "a perfect match is rarely reached by chance");
        assertEquals(2.0 / 3, Agreement.matchingScore(new int[]{0, 0, -1, 1}, new int[]{0, 0, 1, -1}), 1e-12, "dead units left out: 2 of 3 live units matched");
    }

    @Test
    void spearmanOfAMatrixWithItselfOrAMonotoneMapIsOne() {
        double[][] a = ModularityTest.random(10, 4), b = new double[10][10];
        for (int i = 0; i < 10; i++) for (int j = 0; j < 10; j++) b[i][j] = Math.exp(3 * a[i][j]);
        assertEquals(1, Agreement.spearman(a, a), 1e-12);
        assertEquals(1, Agreement.spearman(a, b), 1e-12);
        assertArrayEquals(new double[]{1.5, 1.5, 3}, Agreement.ranks(new double[]{2, 2, 5}), 1e-12);
    }

    @Test
    void transferOfAGraphsOwnPartitionIsNearOne() {
        double[][] a = ModularityTest.planted(16, 4);
        int[] own = ModularityTest.blocks(16, 4);
        double q = Modularity.q(a, own);
        assertEquals(q / (q + 1e-3), Agreement.transfer(a, own, own), 1e-12);
        assertTrue(Agreement.transfer(a, own, new int[16]) < 0.01, "one cluster explains nothing");
    }
}
