package org.modmask.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.*;
import java.util.function.IntPredicate;

/**
 * A named set of examples: equally long 2-D arrays (one row per example), such as {@code x} and {@code y}.
 * Batches are maps from these names to rows, which is what a {@link org.modmask.nn.Model} consumes.
 */
public final class Dataset {
    private final String name;
    private final LinkedHashMap<String, INDArray> columns;
    private final int size;
    /** Padded sequence columns by mask column, each group cut together in a batch (see {@link #sequences}). */
    private final Map<String, List<String>> sequences;
    /** Examples grouped by length for batching (null: one group). */
    private final int[][] buckets;

    private Dataset(String name, LinkedHashMap<String, INDArray> columns) {
        this(name, columns, Map.of(), null);
    }

    private Dataset(String name, LinkedHashMap<String, INDArray> columns, Map<String, List<String>> sequences, int[][] buckets) {
        this.name = name;
        this.columns = columns;
        this.sequences = sequences;
        this.buckets = buckets;
        Integer n = null;
        for (var e : columns.entrySet()) {
            INDArray a = e.getValue();
            if (a.rank() != 2)
                throw new IllegalArgumentException("column '" + e.getKey() + "' must be 2-D [examples, features], got shape " + Arrays.toString(a.shape()));
            if (n == null) n = (int) a.size(0);
            else if (n != a.size(0))
                throw new IllegalArgumentException("column '" + e.getKey() + "' has " + a.size(0) + " rows, expected " + n);
        }
        if (n == null) throw new IllegalArgumentException("a dataset needs at least one column");
        this.size = n;
    }

    /** A dataset from alternating names and arrays: {@code Dataset.of("train", "x", X, "y", Y)}. */
    public static Dataset of(String name, Object... namesAndArrays) {
        if (namesAndArrays.length % 2 != 0) throw new IllegalArgumentException("expected name/array pairs");
        LinkedHashMap<String, INDArray> m = new LinkedHashMap<>();
        for (int i = 0; i < namesAndArrays.length; i += 2)
            m.put((String) namesAndArrays[i], (INDArray) namesAndArrays[i + 1]);
        return new Dataset(name, m);
    }

    public static Dataset of(String name, Map<String, INDArray> columns) {
        return new Dataset(name, new LinkedHashMap<>(columns));
    }

    public String name() {
        return name;
    }

    public int size() {
        return size;
    }

    public INDArray column(String col) {
        INDArray a = columns.get(col);
        if (a == null) throw new IllegalArgumentException("no column '" + col + "' in dataset '" + name + "'; it has " + columns.keySet());
        return a;
    }

    public Set<String> columnNames() {
        return Collections.unmodifiableSet(columns.keySet());
    }

    /** The rows at the given indices, as a batch (sequence columns trimmed to the batch's longest sequence). */
    public Map<String, INDArray> rows(int[] idx) {
        return trim(pulled(idx));
    }

    private LinkedHashMap<String, INDArray> pulled(int[] idx) {
        LinkedHashMap<String, INDArray> b = new LinkedHashMap<>();
        for (var e : columns.entrySet()) b.put(e.getKey(), Nd4j.pullRows(e.getValue(), 1, idx));
        return b;
    }

    /**
     * Declares padded sequence columns: {@code mask} (1 on real positions, a prefix of each row) and the columns
     * padded with it. Batches drawn by {@link #rows} are cut after the batch's longest sequence (rounded up to a
     * multiple of 8, so that batches come in a few shapes), so a model whose graph takes any length computes little
     * for padding that no example in the batch needs. Models unrolled for
     * a fixed length must not use this.
     */
    public Dataset sequences(String mask, String... padded) {
        column(mask);
        List<String> cols = new ArrayList<>();
        cols.add(mask);
        for (String c : padded) {
            if (column(c).size(1) != column(mask).size(1))
                throw new IllegalArgumentException("column '" + c + "' has length " + column(c).size(1) + ", its mask '" + mask + "' " + column(mask).size(1));
            cols.add(c);
        }
        Map<String, List<String>> seq = new LinkedHashMap<>(sequences);
        seq.put(mask, List.copyOf(cols));
        return new Dataset(name, columns, Collections.unmodifiableMap(seq), buckets);
    }

    /**
     * Groups the examples into {@code n} buckets of similar length (by the row sums of {@code mask}, at quantiles),
     * so that a batch drawn by {@link #sampler} comes from one bucket and, with {@link #sequences}, carries little
     * padding. Each example is still drawn with the same probability.
     */
    public Dataset bucketed(String mask, int n) {
        if (n < 1) throw new IllegalArgumentException("number of buckets must be >= 1, got " + n);
        int[] len = column(mask).sum(1).toIntVector();
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) order[i] = i;
        Arrays.sort(order, Comparator.comparingInt(i -> len[i]));
        List<int[]> groups = new ArrayList<>();
        int from = 0;
        for (int k = 1; k <= n && from < size; k++) {
            int to = (int) ((long) size * k / n);
            while (to < size && to > 0 && len[order[to]] == len[order[to - 1]]) to++;     // one length, one bucket
            if (to <= from) continue;
            int[] g = new int[to - from];
            for (int i = from; i < to; i++) g[i - from] = order[i];
            groups.add(g);
            from = to;
        }
        return new Dataset(name, columns, sequences, groups.toArray(new int[0][]));
    }

    /** The batch sampler for this dataset: uniform over examples, within one length bucket per batch when {@link #bucketed}. */
    public BatchSampler sampler(int batchSize, long seed) {
        return buckets == null ? new BatchSampler(size, batchSize, seed) : new BatchSampler(buckets, batchSize, seed);
    }

    private Map<String, INDArray> trim(Map<String, INDArray> b) {
        for (var e : sequences.entrySet()) {
            INDArray mask = b.get(e.getKey());
            // rounded up to a multiple of 8: batches then come in a few shapes, whose buffers a model reuses
            int len = (int) Math.min(mask.size(1), (lastNonZeroColumn(mask) + 1 + 7) / 8 * 8);
            if (len == mask.size(1)) continue;
            for (String c : e.getValue())
                b.put(c, b.get(c).get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(0, Math.max(len, 1))).dup());
        }
        return b;
    }

    private static int lastNonZeroColumn(INDArray mask) {
        INDArray any = mask.sum(0);
        for (int t = (int) any.length() - 1; t >= 0; t--) if (any.getDouble(t) != 0) return t;
        return 0;
    }

    /** Rows [from, to) as a batch (views, no copy). */
    public Map<String, INDArray> slice(int from, int to) {
        return rowRange(columns, from, to);
    }

    /** Rows [from, to) of every array of a batch, whatever its rank (views, no copy), in the batch's order. */
    public static Map<String, INDArray> rowRange(Map<String, INDArray> batch, int from, int to) {
        Map<String, INDArray> b = new LinkedHashMap<>();
        for (var e : batch.entrySet()) {
            INDArray a = e.getValue();
            org.nd4j.linalg.indexing.INDArrayIndex[] idx = new org.nd4j.linalg.indexing.INDArrayIndex[a.rank()];
            idx[0] = org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to);
            for (int d = 1; d < idx.length; d++) idx[d] = org.nd4j.linalg.indexing.NDArrayIndex.all();
            b.put(e.getKey(), a.get(idx));
        }
        return b;
    }

    /** The examples whose index passes the test, as a new dataset. */
    public Dataset where(String newName, IntPredicate keep) {
        int[] idx = java.util.stream.IntStream.range(0, size).filter(keep).toArray();
        if (idx.length == 0) throw new IllegalArgumentException("no example of '" + name + "' passes the filter for '" + newName + "'");
        return subset(newName, idx);
    }

    /** The examples whose integer {@code label} column passes the test (labels are not renumbered). */
    public Dataset whereLabel(String newName, IntPredicate keep) {
        int[] labels = column("label").toIntVector();
        return where(newName, i -> keep.test(labels[i]));
    }

    /**
     * {@code n} examples spread evenly over the dataset (all of them when it has no more), in order: a fixed,
     * representative evaluation subset when evaluating everything would take too long.
     */
    public Dataset spread(int n) {
        if (n <= 0) throw new IllegalArgumentException("a subset needs at least one example, got " + n);
        if (n >= size) return this;
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = (int) ((long) i * size / n);
        return subset(name + " (" + n + " of " + size + ")", idx);
    }

    /** The examples at the given indices, as a new dataset. */
    public Dataset subset(String newName, int[] idx) {
        return new Dataset(newName, pulled(idx), sequences, null);     // untrimmed: the rows keep the dataset's lengths
    }

    /** A copy with one column replaced or added. */
    public Dataset with(String col, INDArray values) {
        LinkedHashMap<String, INDArray> m = new LinkedHashMap<>(columns);
        m.put(col, values);
        return new Dataset(name, m, sequences, buckets);
    }

    public Dataset named(String newName) {
        return new Dataset(newName, columns, sequences, buckets);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Dataset '" + name + "': " + size + " examples");
        columns.forEach((k, v) -> s.append(", ").append(k).append(Arrays.toString(v.shape())));
        return s.toString();
    }
}
