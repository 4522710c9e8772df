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

    private Dataset(String name, LinkedHashMap<String, INDArray> columns) {
        this.name = name;
        this.columns = columns;
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

    /** The rows at the given indices, as a batch. */
    public Map<String, INDArray> rows(int[] idx) {
        Map<String, INDArray> b = new LinkedHashMap<>();
        for (var e : columns.entrySet()) b.put(e.getKey(), Nd4j.pullRows(e.getValue(), 1, idx));
        return b;
    }

    /** Rows [from, to) as a batch (views, no copy). */
    public Map<String, INDArray> slice(int from, int to) {
        Map<String, INDArray> b = new LinkedHashMap<>();
        for (var e : columns.entrySet())
            b.put(e.getKey(), e.getValue().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()));
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

    /** The examples at the given indices, as a new dataset. */
    public Dataset subset(String newName, int[] idx) {
        return new Dataset(newName, new LinkedHashMap<>(rows(idx)));
    }

    /** A copy with one column replaced or added. */
    public Dataset with(String col, INDArray values) {
        LinkedHashMap<String, INDArray> m = new LinkedHashMap<>(columns);
        m.put(col, values);
        return new Dataset(name, m);
    }

    public Dataset named(String newName) {
        return new Dataset(newName, columns);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Dataset '" + name + "': " + size + " examples");
        columns.forEach((k, v) -> s.append(", ").append(k).append(Arrays.toString(v.shape())));
        return s.toString();
    }
}
