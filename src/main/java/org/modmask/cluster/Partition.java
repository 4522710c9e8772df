package org.modmask.cluster;

import java.util.Arrays;

/** A partition of units into clusters (labels 0..k−1, −1 for dead units) and its modularity Q. */
public record Partition(int[] labels, double q) {
    /** Number of (non-empty) clusters. */
    public int clusters() {
        return (int) Arrays.stream(labels).filter(l -> l >= 0).distinct().count();
    }

    /** The soft cluster count exp(H(f)) the paper reports. */
    public double softCount() {
        return Modularity.softClusterCount(labels);
    }

    /** The units in the order of their clusters (for a block-sorted association matrix). */
    public int[] order() {
        Integer[] idx = new Integer[labels.length];
        for (int i = 0; i < idx.length; i++) idx[i] = i;
        Arrays.sort(idx, (x, y) -> labels[x] != labels[y] ? Integer.compare(labels[x] < 0 ? Integer.MAX_VALUE : labels[x],
                labels[y] < 0 ? Integer.MAX_VALUE : labels[y]) : Integer.compare(x, y));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    /** The size of each group in {@link #order()}: the clusters by label, then the dead units (if any). */
    public int[] sizes() {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        int[] o = order();
        for (int i = 0; i < o.length; i++) {
            if (i == 0 || labels[o[i]] != labels[o[i - 1]]) out.add(0);
            out.set(out.size() - 1, out.get(out.size() - 1) + 1);
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String toString() {
        return String.format("Partition: %d clusters (soft %.2f), Q = %.4f", clusters(), softCount(), q);
    }
}
