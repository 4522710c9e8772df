package org.modmask.cluster;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** The spec's exact checks for the clustering (clustering-paper.md §5.2 items 1–3 and 5) and the incremental ΔQ. */
class ModularityTest {
    /** k equal blocks of ones (diagonal removed) among n units. */
    static double[][] planted(int n, int k) {
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) a[i][j] = i != j && i * k / n == j * k / n ? 1 : 0;
        return a;
    }

    static int[] blocks(int n, int k) {
        int[] l = new int[n];
        for (int i = 0; i < n; i++) l[i] = i * k / n;
        return l;
    }

    @Test
    void plantedBlocksGiveOneMinusOneOverKAndTheSearchFindsThem() {
        for (int k : new int[]{2, 4, 8}) {
            double[][] a = planted(64, k);
            assertEquals(1 - 1.0 / k, Modularity.q(a, blocks(64, k)), 1e-12, "Q of the planted partition, k = " + k);
            Partition p = Clusterer.of(a).seed(k).run();
            assertEquals(1 - 1.0 / k, p.q(), 1e-9, "the search reaches the planted Q, k = " + k);
            assertEquals(k, p.softCount(), 1e-9);
            assertEquals(1.0, Agreement.elementSimilarity(p.labels(), blocks(64, k)), 1e-12);
        }
    }

    @Test
    void aNoisyPlantedGraphIsRecoveredAndItsQIsNearTheNoiseFreeValue() {
        var g = Planted.of(3, 10, 1.0, 0.0, 0.2, 4);
        assertEquals(1 - 1.0 / 3, Modularity.q(g.associations(), g.labels()), 1e-3, "no edges across: about 1 − 1/k (the noise makes the blocks slightly unequal)");
        var mixed = Planted.of(3, 10, 1.0, 0.1, 0.2, 4);
        Partition p = Clusterer.of(mixed.associations()).seed(1).run();
        assertEquals(1.0, Agreement.elementSimilarity(p.labels(), mixed.labels()), 1e-12, "the planted groups are found");
        assertTrue(p.q() < 1 - 1.0 / 3 && p.q() > 0.4, "edges across lower Q: " + p.q());
        assertThrows(IllegalArgumentException.class, () -> Planted.of(3, 10, 1.0, -0.1, 0.2, 4));
    }

    @Test
    void qIgnoresTheScaleOfTheAssociations() {
        double[][] a = random(30, 3), b = new double[30][30];
        for (int i = 0; i < 30; i++) for (int j = 0; j < 30; j++) b[i][j] = 7.5 * a[i][j];
        int[] l = new Random(2).ints(30, 0, 4).toArray();
        assertEquals(Modularity.q(a, l), Modularity.q(b, l), 1e-12);
    }

    @Test
    void incrementalDeltaEqualsRecomputedQ() {
        Random r = new Random(5);
        for (int trial = 0; trial < 200; trial++) {
            double[][] a = random(12, trial);
            int[] l = r.ints(12, 0, 4).toArray();
            int i = r.nextInt(12), to = r.nextInt(5);
            double before = Modularity.q(a, l), delta = Modularity.delta(a, l, i, to);
            l[i] = to;
            assertEquals(Modularity.q(a, l) - before, delta, 1e-12);
        }
    }

    @Test
    void elementSimilarityIdentities() {
        int[] p = {0, 0, 1, 1, 2, 2, 2};
        assertEquals(1.0, Agreement.elementSimilarity(p, new int[]{5, 5, 3, 3, 9, 9, 9}), 1e-12, "labels' names do not matter");
        int n = 10;
        int[] one = new int[n], singletons = new int[n];
        for (int i = 0; i < n; i++) singletons[i] = i;
        assertEquals(1.0 / n, Agreement.elementSimilarity(one, singletons), 1e-12);
        assertEquals(Agreement.elementSimilarity(p, singletons.length == 7 ? singletons : new int[]{0, 1, 2, 3, 4, 5, 6}),
                Agreement.elementSimilarity(new int[]{0, 1, 2, 3, 4, 5, 6}, p), 1e-12, "symmetric");
    }

    @Test
    void deadUnitsBelongToNoCluster() {
        double[][] a = planted(8, 2);
        for (int j = 0; j < 8; j++) a[3][j] = a[j][3] = 0;                 // unit 3 is dead
        Partition p = Clusterer.of(a).seed(1).run();
        assertEquals(-1, p.labels()[3]);
        assertEquals(2, p.clusters());
    }

    @Test
    void randomCorrelationsSitInThePapersNullRange() {
        // |corr| of 64 mildly correlated Gaussian units over 10k samples: the spec measured Q ≈ 0.078, ~4 clusters,
        // and the paper's null histogram spans 0.05–0.15
        Random r = new Random(11);
        int n = 64, m = 10_000;
        double[][] x = new double[n][m];
        double[] shared = new double[m];
        for (int s = 0; s < m; s++) shared[s] = r.nextGaussian();
        for (int i = 0; i < n; i++) for (int s = 0; s < m; s++) x[i][s] = r.nextGaussian() + 0.1 * shared[s];
        double[][] c = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) c[i][j] = i == j ? 0 : Math.abs(corr(x[i], x[j]));
        Partition p = Clusterer.of(c).seed(3).run();
        assertTrue(p.q() > 0.05 && p.q() < 0.15, "Q = " + p.q());
        assertTrue(p.softCount() > 2 && p.softCount() < 8, "soft count " + p.softCount());
    }

    @Test
    void badInputIsNamed() {
        var e = assertThrows(IllegalArgumentException.class, () -> Clusterer.of(new double[][]{{0, 1}, {2, 0}}));
        assertTrue(e.getMessage().contains("symmetric"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Clusterer.of(new double[][]{{0, -1}, {-1, 0}}));
        assertTrue(e.getMessage().contains("-1.0"), e.getMessage());
    }

    static double[][] random(int n, long seed) {
        Random r = new Random(seed);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < i; j++) a[i][j] = a[j][i] = r.nextDouble();
        return a;
    }

    static double corr(double[] x, double[] y) {
        double mx = 0, my = 0;
        for (int i = 0; i < x.length; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= x.length;
        my /= y.length;
        double sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < x.length; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxy / Math.sqrt(sxx * syy);
    }
}
