package org.modmask.cluster;

import java.util.Random;

/**
 * A graph whose partition is known, for checking the clusterer and for reading Q: {@code blocks} groups of
 * {@code size} units, association {@code within} between units of one group and {@code across} between groups,
 * each entry scaled by a uniform factor in [1 − noise, 1 + noise] (symmetric; seeded).
 * <pre>{@code var g = Planted.of(3, 10, 1.0, 0.1, 0.2, 1);  Modularity.q(g.associations(), g.labels())}</pre>
 */
public final class Planted {
    private final double[][] a;
    private final int[] labels;

    private Planted(double[][] a, int[] labels) {
        this.a = a;
        this.labels = labels;
    }

    public static Planted of(int blocks, int size, double within, double across, double noise, long seed) {
        if (blocks < 1 || size < 1) throw new IllegalArgumentException("blocks and size must be ≥ 1, got " + blocks + " and " + size);
        if (!(within >= 0) || !(across >= 0)) throw new IllegalArgumentException("associations must be ≥ 0, got " + within + " and " + across);
        if (!(noise >= 0 && noise <= 1)) throw new IllegalArgumentException("noise must lie in [0, 1], got " + noise);
        int n = blocks * size;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) labels[i] = i / size;
        Random r = new Random(seed);
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++) {
                double v = (labels[i] == labels[j] ? within : across) * (1 + noise * (2 * r.nextDouble() - 1));
                a[i][j] = v;
                a[j][i] = v;
            }
        return new Planted(a, labels);
    }

    /** The association matrix (no self-associations on the diagonal). */
    public double[][] associations() {
        return a;
    }

    /** The planted group of each unit. */
    public int[] labels() {
        return labels.clone();
    }
}
