package org.modmask.cluster;

/**
 * Newman's modularity of a hard partition of a weighted undirected graph (spec §2.1):
 * {@code Q = Σ_c [ (1/W) Σ_{i,j∈c} A_ij − (D_c/W)² ]} with {@code W = Σ_ij A_ij} and {@code D_c} the summed degrees
 * of cluster c. Labels are cluster ids ≥ 0; −1 marks a dead unit, which belongs to no cluster.
 * Q does not depend on the scale of A; k equal disconnected blocks give {@code 1 − 1/k}.
 */
public final class Modularity {
    private Modularity() {
    }

    /** Q of a partition; {@code a} must be square and symmetric, {@code labels} one per row. */
    public static double q(double[][] a, int[] labels) {
        check(a, labels);
        int k = 0;
        for (int l : labels) k = Math.max(k, l + 1);
        double w = 0;
        double[] within = new double[k], degree = new double[k];
        for (int i = 0; i < a.length; i++)
            for (int j = 0; j < a.length; j++) {
                w += a[i][j];
                if (labels[i] < 0) continue;
                degree[labels[i]] += a[i][j];
                if (labels[i] == labels[j]) within[labels[i]] += a[i][j];
            }
        if (!(w > 0)) return 0;
        double q = 0;
        for (int c = 0; c < k; c++) q += within[c] / w - (degree[c] / w) * (degree[c] / w);
        return q;
    }

    /**
     * The change of Q when unit {@code i} moves to cluster {@code b} (spec §2.2):
     * {@code ΔQ = (2/W)(s_ib − s_ia) − (2 d_i/W²)(D_b − D_a + d_i)}, with {@code s_ic} the weight from i to the other
     * members of c and {@code D_a} including i. O(n); the Monte-Carlo search uses the same formula.
     */
    public static double delta(double[][] a, int[] labels, int i, int b) {
        check(a, labels);
        int from = labels[i];
        if (from == b) return 0;
        double w = 0, di = 0, sa = 0, sb = 0, da = 0, db = 0;
        for (int r = 0; r < a.length; r++) {
            double dr = 0;
            for (int j = 0; j < a.length; j++) dr += a[r][j];
            w += dr;
            if (labels[r] == from) da += dr;
            if (labels[r] == b) db += dr;
        }
        for (int j = 0; j < a.length; j++) {
            di += a[i][j];
            if (j == i) continue;
            if (labels[j] == from) sa += a[i][j];
            if (labels[j] == b) sb += a[i][j];
        }
        return 2 / w * (sb - sa) - 2 * di / (w * w) * (db - da + di);
    }

    /**
     * The soft number of clusters {@code exp(H(f))}, {@code f_k} = share of all units (dead ones included) in
     * cluster k (spec §2.3).
     */
    public static double softClusterCount(int[] labels) {
        int k = 0;
        for (int l : labels) k = Math.max(k, l + 1);
        int[] n = new int[k];
        for (int l : labels) if (l >= 0) n[l]++;
        double h = 0;
        for (int c = 0; c < k; c++) {
            double f = (double) n[c] / labels.length;
            double t = f > 0 ? -f * Math.log(f) : 0;
            if (t >= 0 && t <= 1 / Math.E) h += t;
        }
        return Math.exp(h);
    }

    static void check(double[][] a, int[] labels) {
        for (double[] row : a)
            if (row.length != a.length)
                throw new IllegalArgumentException("the association matrix must be square, got a row of " + row.length + " in " + a.length + " rows");
        if (labels.length != a.length)
            throw new IllegalArgumentException(labels.length + " labels for " + a.length + " units");
        for (int i = 0; i < a.length; i++)
            for (int j = 0; j < i; j++)
                if (!(Math.abs(a[i][j] - a[j][i]) <= 1e-9 * (1 + Math.abs(a[i][j]))))
                    throw new IllegalArgumentException("the association matrix must be symmetric: A[" + i + "][" + j + "] = "
                            + a[i][j] + " but A[" + j + "][" + i + "] = " + a[j][i]);
    }
}
