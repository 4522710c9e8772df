package org.modmask.cluster;

/**
 * How much two partitions of the same units agree (spec §2.4). Dead units (label −1) count as one shared cluster.
 */
public final class Agreement {
    private Agreement() {
    }

    /**
     * Element-centric similarity (Gates et al. 2019) of two flat partitions:
     * {@code S = (1/n) Σ_i [1 − ½ Σ_j |a_i(j) − b_i(j)|]} with {@code a_i(j) = 1[j ∈ C₁(i)] / |C₁(i)|}. 1 for identical
     * partitions, 1/n for one cluster against n singletons.
     */
    public static double elementSimilarity(int[] p1, int[] p2) {
        if (p1.length != p2.length) throw new IllegalArgumentException("partitions of " + p1.length + " and " + p2.length + " units");
        int n = p1.length;
        if (n == 0) throw new IllegalArgumentException("partitions of no units");
        int[] a = compact(p1), b = compact(p2);
        int ka = max(a) + 1, kb = max(b) + 1;
        int[] sa = new int[ka], sb = new int[kb];
        int[][] overlap = new int[ka][kb];
        for (int i = 0; i < n; i++) {
            sa[a[i]]++;
            sb[b[i]]++;
            overlap[a[i]][b[i]]++;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            double s1 = sa[a[i]], s2 = sb[b[i]], o = overlap[a[i]][b[i]];
            double l1 = o * Math.abs(1 / s1 - 1 / s2) + (s1 - o) / s1 + (s2 - o) / s2;
            s += 1 - 0.5 * l1;
        }
        return s / n;
    }

    /** Labels renumbered 0..k−1, dead units (−1) as one more cluster. */
    static int[] compact(int[] labels) {
        java.util.Map<Integer, Integer> ids = new java.util.HashMap<>();
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) out[i] = ids.computeIfAbsent(labels[i], x -> ids.size());
        return out;
    }

    private static int max(int[] xs) {
        int m = -1;
        for (int x : xs) m = Math.max(m, x);
        return m;
    }
}
