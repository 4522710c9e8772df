package org.modmask.cluster;

import org.modmask.mask.WeightMask;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Where the two views meet: which hidden units a weight mask uses, and how those units fall into the clusters
 * of the unit-clustering view. A unit of hidden layer ℓ is <em>used</em> by a mask when the mask keeps at least one
 * of its incoming weights ({@code layers.ℓ.weight}, row i) and at least one of its outgoing weights
 * ({@code layers.ℓ+1.weight}, column i): only then can the unit carry the masked function. Finer: a unit's
 * {@link #preference} for one mask over the other, and the share of it the clusters explain ({@link #clusterShare}).
 */
public final class MaskUnits {
    private MaskUnits() {
    }

    /** The units of hidden layer {@code layer} the mask uses. */
    public static boolean[] used(WeightMask mask, int layer) {
        double[][] io = keptInOut(mask, layer);
        boolean[] u = new boolean[io[0].length];
        for (int i = 0; i < u.length; i++) u[i] = io[0][i] > 0 && io[1][i] > 0;
        return u;
    }

    /** Per unit of hidden layer {@code layer}: kept incoming weights (row of layer ℓ) and kept outgoing ones (column of ℓ+1). */
    private static double[][] keptInOut(WeightMask mask, int layer) {
        INDArray in = mask.kept("layers." + layer + ".weight"), out = mask.kept("layers." + (layer + 1) + ".weight");
        int d = (int) in.size(0);
        if (out.size(1) != d)
            throw new IllegalArgumentException("layers." + (layer + 1) + ".weight has " + out.size(1) + " inputs, layer " + layer + " has " + d + " units");
        return new double[][]{in.sum(1).toDoubleVector(), out.sum(0).toDoubleVector()};
    }

    /**
     * Per cluster of a partition: how many units only mask a uses, only mask b, both, neither (dead units as
     * cluster "dead"). If the functions lived in different clusters, "only a" and "only b" would fill different rows.
     */
    public static Table byCluster(Partition p, WeightMask a, WeightMask b, int layer) {
        boolean[] ua = used(a, layer), ub = used(b, layer);
        int[] labels = p.labels();
        if (labels.length != ua.length)
            throw new IllegalArgumentException("the partition has " + labels.length + " units, layer " + layer + " has " + ua.length);
        int k = p.clusters();
        int[][] n = new int[k + 1][4];
        for (int i = 0; i < labels.length; i++) {
            int row = labels[i] < 0 ? k : labels[i];
            int col = ua[i] && ub[i] ? 2 : ua[i] ? 0 : ub[i] ? 1 : 3;
            n[row][col]++;
        }
        Table t = Table.create("units of layer " + layer + " by cluster: used by '" + a.name() + "' and '" + b.name() + "'",
                StringColumn.create("cluster"), IntColumn.create("units"), IntColumn.create("only " + a.name()),
                IntColumn.create("only " + b.name()), IntColumn.create("both"), IntColumn.create("neither"));
        for (int r = 0; r <= k; r++) {
            int total = n[r][0] + n[r][1] + n[r][2] + n[r][3];
            if (r == k && total == 0) continue;
            t.stringColumn("cluster").append(r == k ? "dead" : String.valueOf(r));
            t.intColumn("units").append(total);
            t.intColumn("only " + a.name()).append(n[r][0]);
            t.intColumn("only " + b.name()).append(n[r][1]);
            t.intColumn("both").append(n[r][2]);
            t.intColumn("neither").append(n[r][3]);
        }
        return t;
    }

    /** Kept weights touching each unit of hidden layer {@code layer}: its row of incoming and column of outgoing weights. */
    public static double[] keptWeights(WeightMask mask, int layer) {
        double[][] io = keptInOut(mask, layer);
        double[] k = new double[io[0].length];
        for (int i = 0; i < k.length; i++) k[i] = io[0][i] + io[1][i];
        return k;
    }

    /**
     * Per unit, which of two masks leans on it: {@code (k_a − k_b) / (k_a + k_b)} with {@code k} the kept weights
     * touching the unit; +1 only mask a, −1 only mask b, 0 both alike, NaN for a unit neither keeps a weight of.
     * Unlike {@link #used}, this still separates units when both masks keep a few of every unit's weights.
     */
    public static double[] preference(WeightMask a, WeightMask b, int layer) {
        double[] ka = keptWeights(a, layer), kb = keptWeights(b, layer), p = new double[ka.length];
        for (int i = 0; i < p.length; i++) p[i] = ka[i] + kb[i] == 0 ? Double.NaN : (ka[i] - kb[i]) / (ka[i] + kb[i]);
        return p;
    }

    /**
     * How much of the units' preference (see {@link #preference}) the clusters explain: the between-cluster share of
     * its variance, η² = SS_between / SS_total over live units with a preference, and the share of {@code shuffles}
     * random relabellings of those units (cluster sizes kept) with an η² at least as high — a permutation p-value.
     * η² near 1: the clusters are the masks' modules; near what shuffles give: unrelated.
     */
    public static double[] clusterShare(Partition p, double[] preference, int shuffles, long seed) {
        int[] labels = p.labels();
        if (labels.length != preference.length)
            throw new IllegalArgumentException("the partition has " + labels.length + " units, the preference " + preference.length);
        int[] idx = java.util.stream.IntStream.range(0, labels.length).filter(i -> labels[i] >= 0 && !Double.isNaN(preference[i])).toArray();
        int[] lab = new int[idx.length];
        double[] x = new double[idx.length];
        for (int j = 0; j < idx.length; j++) {
            lab[j] = labels[idx[j]];
            x[j] = preference[idx[j]];
        }
        double eta = etaSquared(lab, x, p.clusters());
        java.util.Random r = new java.util.Random(seed);
        int atLeast = 0;
        int[] q = lab.clone();
        for (int s = 0; s < shuffles; s++) {
            for (int i = q.length - 1; i > 0; i--) {
                int j = r.nextInt(i + 1), t = q[i];
                q[i] = q[j];
                q[j] = t;
            }
            if (etaSquared(q, x, p.clusters()) >= eta - 1e-12) atLeast++;
        }
        return new double[]{eta, shuffles == 0 ? Double.NaN : (double) atLeast / shuffles};
    }

    static double etaSquared(int[] labels, double[] x, int k) {
        double mean = 0;
        for (double v : x) mean += v / x.length;
        double[] sum = new double[k];
        int[] n = new int[k];
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            sum[labels[i]] += x[i];
            n[labels[i]]++;
            total += (x[i] - mean) * (x[i] - mean);
        }
        double between = 0;
        for (int c = 0; c < k; c++) if (n[c] > 0) between += n[c] * Math.pow(sum[c] / n[c] - mean, 2);
        return total == 0 ? 0 : between / total;
    }

    /** Per cluster: units, the mean kept weights of each mask per unit, and the mean preference (see {@link #preference}). */
    public static Table preferenceByCluster(Partition p, WeightMask a, WeightMask b, int layer) {
        double[] ka = keptWeights(a, layer), kb = keptWeights(b, layer), pref = preference(a, b, layer);
        int[] labels = p.labels();
        if (labels.length != ka.length)
            throw new IllegalArgumentException("the partition has " + labels.length + " units, layer " + layer + " has " + ka.length);
        int k = p.clusters();
        double[][] s = new double[k + 1][4];                  // units, kept a, kept b, preference sum (and count below)
        int[] prefN = new int[k + 1];
        for (int i = 0; i < labels.length; i++) {
            int r = labels[i] < 0 ? k : labels[i];
            s[r][0]++;
            s[r][1] += ka[i];
            s[r][2] += kb[i];
            if (!Double.isNaN(pref[i])) {
                s[r][3] += pref[i];
                prefN[r]++;
            }
        }
        Table t = Table.create("layer " + layer + " units by cluster: kept weights of '" + a.name() + "' and '" + b.name() + "'",
                StringColumn.create("cluster"), IntColumn.create("units"), tech.tablesaw.api.DoubleColumn.create(a.name() + " weights per unit"),
                tech.tablesaw.api.DoubleColumn.create(b.name() + " weights per unit"), tech.tablesaw.api.DoubleColumn.create("preference"));
        for (int r = 0; r <= k; r++) {
            if (s[r][0] == 0) continue;
            t.stringColumn("cluster").append(r == k ? "dead" : String.valueOf(r));
            t.intColumn("units").append((int) s[r][0]);
            t.doubleColumn(a.name() + " weights per unit").append(Math.round(10 * s[r][1] / s[r][0]) / 10.0);
            t.doubleColumn(b.name() + " weights per unit").append(Math.round(10 * s[r][2] / s[r][0]) / 10.0);
            if (prefN[r] == 0) t.doubleColumn("preference").appendMissing();
            else t.doubleColumn("preference").append(Math.round(1000 * s[r][3] / prefN[r]) / 1000.0);
        }
        return t;
    }
}
