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

    /** The number of 2 × S contingency tables with these margins, by enumerating the first row. */
    private static long countTables(int a0, int[] b, int col) {
        if (col == b.length) return a0 == 0 ? 1 : 0;
        long n = 0;
        for (int v = 0; v <= Math.min(a0, b[col]); v++) n += countTables(a0 - v, b, col + 1);
        return n;
    }

    @Test
    void logOmegaApproximatesTheExactNumberOfTables() {
        int[][][] margins = {{{4, 4}, {2, 3, 3}}, {{10, 6}, {5, 5, 3, 3}}, {{20, 20}, {10, 10, 10, 10}}, {{7, 9}, {1, 2, 13}}};
        for (int[][] m : margins) {
            double exact = Math.log(countTables(m[0][0], m[1], 0));
            double approx = Agreement.logOmega(java.util.Arrays.stream(m[0]).asDoubleStream().toArray(), java.util.Arrays.stream(m[1]).asDoubleStream().toArray());
            assertEquals(exact, approx, 0.05 * exact + 0.1, java.util.Arrays.deepToString(m));
        }
    }

    @Test
    void reducedMutualInformation() {
        assertEquals(1, Agreement.reducedMutualInformationNormalized(p, renamed), 1e-12, "identical partitions");
        int[] one = new int[p.length];
        assertEquals(0, Agreement.reducedMutualInformation(p, one), 1e-12, "against a single cluster");
        assertEquals(0, Agreement.reducedMutualInformation(one, p), 1e-12);
        int[] q = {0, 1, 1, 1, 0, 2, 2, 2};
        assertEquals(Agreement.reducedMutualInformation(p, q), Agreement.reducedMutualInformation(q, p), 1e-12, "symmetric");
        // unrelated partitions: plain mutual information stays clearly positive, the reduced one is not (Newman et al.:
        // a random table carries no more information than describing it costs); a noisy copy keeps plenty
        java.util.Random r = new java.util.Random(3);
        double rmi = 0, mi = 0, copy = 0;
        int trials = 200, n = 120;
        for (int t = 0; t < trials; t++) {
            int[] x = new int[n], y = new int[n];
            for (int i = 0; i < n; i++) {
                x[i] = r.nextInt(4);
                y[i] = r.nextInt(4);
            }
            rmi += Agreement.reducedMutualInformation(x, y) / trials;
            int[] noisy = x.clone();
            for (int i = 0; i < n; i++) if (r.nextDouble() < 0.2) noisy[i] = r.nextInt(4);
            copy += Agreement.reducedMutualInformation(x, noisy) / trials;
            mi += (entropyBits(x) + entropyBits(y) - entropyBits(join(x, y))) / trials;
        }
        assertTrue(mi > 0.04, "plain mutual information of unrelated partitions: " + mi + " bits");
        assertTrue(rmi < 0.01, "reduced mutual information of unrelated partitions: " + rmi + " bits (plain: " + mi + ")");
        assertTrue(copy > 0.5, "a copy with 20 % of labels redrawn: " + copy + " bits");
        int[] close = p.clone();
        close[0] = 1;
        double similar = Agreement.reducedMutualInformationNormalized(p, close);
        assertTrue(similar > 0.3 && similar < 1, "one unit moved: " + similar);
    }

    private static int[] join(int[] x, int[] y) {
        int[] j = new int[x.length];
        for (int i = 0; i < x.length; i++) j[i] = 16 * x[i] + y[i];
        return j;
    }

    private static double entropyBits(int[] labels) {
        java.util.Map<Integer, Integer> c = new java.util.HashMap<>();
        for (int l : labels) c.merge(l, 1, Integer::sum);
        double h = 0;
        for (int k : c.values()) h -= (double) k / labels.length * Math.log((double) k / labels.length) / Math.log(2);
        return h;
    }

    @Test
    void variationOfInformationAsClusimNormalizesIt() {
        assertEquals(1, Agreement.variationOfInformationSimilarity(p, renamed), 1e-12);
        assertEquals(0, Agreement.variationOfInformationSimilarity(new int[]{0, 0, 1, 1}, new int[]{0, 1, 0, 1}), 1e-12,
                "independent halves: H(A) = H(B) = log 2, H(A,B) = log 4");
        assertTrue(Double.isNaN(Agreement.variationOfInformationSimilarity(new int[4], new int[]{0, 1, 2, 3})), "a single cluster");
    }
}
