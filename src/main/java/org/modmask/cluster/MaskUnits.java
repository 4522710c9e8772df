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
 * ({@code layers.ℓ+1.weight}, column i): only then can the unit carry the masked function.
 */
public final class MaskUnits {
    private MaskUnits() {
    }

    /** The units of hidden layer {@code layer} the mask uses. */
    public static boolean[] used(WeightMask mask, int layer) {
        INDArray in = mask.kept("layers." + layer + ".weight"), out = mask.kept("layers." + (layer + 1) + ".weight");
        int d = (int) in.size(0);
        if (out.size(1) != d)
            throw new IllegalArgumentException("layers." + (layer + 1) + ".weight has " + out.size(1) + " inputs, layer " + layer + " has " + d + " units");
        INDArray inAny = in.sum(1), outAny = out.sum(0);
        boolean[] u = new boolean[d];
        for (int i = 0; i < d; i++) u[i] = inAny.getDouble(i) > 0 && outAny.getDouble(i) > 0;
        return u;
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
}
