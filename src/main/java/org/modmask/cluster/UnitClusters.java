package org.modmask.cluster;

import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.train.Progress;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.*;

/**
 * Clusters the hidden units of an MLP by each association measure, layer by layer (Lange et al. 2022):
 * <pre>{@code
 * var c = UnitClusters.of(mlp, test).run();
 * c.table()            // method, family, layer, Q, soft cluster count, dead units
 * c.agreement()        // element-centric similarity between methods, averaged over layers
 * }</pre>
 */
public final class UnitClusters {
    private final Associations associations;
    private final String name;
    private List<Associations.Method> methods = List.of(Associations.Method.values());
    private int steps = 5000;
    private long seed = 0;

    private UnitClusters(Associations a, String name) {
        this.associations = a;
        this.name = name;
    }

    /** For an MLP (parameters {@code layers.0.weight}, ...) on a dataset with an {@code x} column. */
    public static UnitClusters of(Model mlp, Dataset data) {
        return new UnitClusters(Associations.of(mlp, data), mlp.kind());
    }

    /** For an MLP whose outputs are {@code groups} softmaxes. */
    public static UnitClusters of(Model mlp, Dataset data, int groups) {
        return new UnitClusters(Associations.of(mlp, data, groups), mlp.kind());
    }

    /** Only these measures (default: all eight). */
    public UnitClusters methods(Associations.Method... ms) {
        if (ms.length == 0) throw new IllegalArgumentException("give at least one association method");
        methods = List.of(ms);
        return this;
    }

    /** Monte-Carlo steps per clustering (default 5000, as the paper). */
    public UnitClusters steps(int s) {
        if (s < 0) throw new IllegalArgumentException("steps must be >= 0, got " + s);
        steps = s;
        return this;
    }

    public UnitClusters seed(long s) {
        seed = s;
        return this;
    }

    /** Computes every association matrix and clusters it. */
    public Result run() {
        Map<String, double[][]> matrices = new LinkedHashMap<>();
        Map<String, Partition> partitions = new LinkedHashMap<>();
        int layers = associations.layers();
        try (Progress bar = Progress.Factory.start("clustering " + name, (long) methods.size() * layers)) {
            int done = 0;
            for (Associations.Method m : methods)
                for (int l = 0; l < layers; l++) {
                    if (Thread.interrupted())      // JJava's interrupt only sets the thread's flag; a sweep's networks stay saved
                        throw new java.util.concurrent.CancellationException("clustering " + name + " interrupted after " + done + " of "
                                + methods.size() * layers + " partitions; its networks' checkpoints are kept: run it again to go on");
                    double[][] a = associations.matrix(m, l);
                    matrices.put(key(m, l), a);
                    partitions.put(key(m, l), Clusterer.of(a).steps(steps).seed(seed + 31L * l + m.ordinal()).run());
                    bar.update(++done, Map.of("Q", partitions.get(key(m, l)).q()));
                }
        }
        return new Result(name, methods, layers, matrices, partitions);
    }

    static String key(Associations.Method m, int layer) {
        return m.key() + "@" + layer;
    }

    /** Partitions and association matrices per method and layer. */
    public static final class Result {
        private final String name;
        private final List<Associations.Method> methods;
        private final int layers;
        private final Map<String, double[][]> matrices;
        private final Map<String, Partition> partitions;

        Result(String name, List<Associations.Method> methods, int layers, Map<String, double[][]> matrices, Map<String, Partition> partitions) {
            this.name = name;
            this.methods = methods;
            this.layers = layers;
            this.matrices = matrices;
            this.partitions = partitions;
        }

        public Partition partition(Associations.Method m, int layer) {
            Partition p = partitions.get(key(m, layer));
            if (p == null) throw new IllegalArgumentException("no clustering for " + m.key() + " on layer " + layer + "; methods " + methods + ", layers 0.." + (layers - 1));
            return p;
        }

        /** The association matrix (zero diagonal) a partition was computed from. */
        public double[][] matrix(Associations.Method m, int layer) {
            partition(m, layer);
            return matrices.get(key(m, layer));
        }

        /** The matrix with rows and columns sorted by cluster: blocks on the diagonal are clusters. */
        public double[][] sortedMatrix(Associations.Method m, int layer) {
            int[] order = partition(m, layer).order();
            double[][] a = matrix(m, layer), s = new double[order.length][order.length];
            for (int i = 0; i < order.length; i++)
                for (int j = 0; j < order.length; j++) s[i][j] = a[order[i]][order[j]];
            return s;
        }

        /** One row per method and layer: Q, soft cluster count, dead units. */
        public Table table() {
            Table t = Table.create(name + ": modularity of the hidden units", StringColumn.create("method"), StringColumn.create("family"),
                    IntColumn.create("layer"), DoubleColumn.create("Q"), DoubleColumn.create("clusters (soft)"), IntColumn.create("dead units"));
            for (Associations.Method m : methods)
                for (int l = 0; l < layers; l++) {
                    Partition p = partition(m, l);
                    t.stringColumn("method").append(m.key());
                    t.stringColumn("family").append(m.upstream() ? "upstream" : "downstream");
                    t.intColumn("layer").append(l);
                    t.doubleColumn("Q").append(Math.round(p.q() * 1e4) / 1e4);
                    t.doubleColumn("clusters (soft)").append(Math.round(p.softCount() * 100) / 100.0);
                    t.intColumn("dead units").append((int) Arrays.stream(p.labels()).filter(x -> x < 0).count());
                }
            return t;
        }

        /** Element-centric similarity between every pair of methods, averaged over layers. */
        public double[][] agreementMatrix() {
            int k = methods.size();
            double[][] s = new double[k][k];
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++) {
                    double sum = 0;
                    for (int l = 0; l < layers; l++)
                        sum += Agreement.elementSimilarity(partition(methods.get(i), l).labels(), partition(methods.get(j), l).labels());
                    s[i][j] = sum / layers;
                }
            return s;
        }

        /** The agreement matrix as a table (one row and one column per method). */
        public Table agreement() {
            double[][] s = agreementMatrix();
            Table t = Table.create(name + ": agreement between methods (element-centric similarity)", StringColumn.create("method"));
            for (Associations.Method m : methods) t.addColumns(DoubleColumn.create(m.key()));
            for (int i = 0; i < methods.size(); i++) {
                t.stringColumn("method").append(methods.get(i).key());
                for (int j = 0; j < methods.size(); j++) t.doubleColumn(methods.get(j).key()).append(Math.round(s[i][j] * 1000) / 1000.0);
            }
            return t;
        }

        public List<Associations.Method> methods() {
            return methods;
        }

        public int layers() {
            return layers;
        }
    }
}
