package org.modmask.cluster;

import org.modmask.data.Dataset;
import org.modmask.nn.Mlp;
import org.modmask.nn.Model;
import org.modmask.train.Eval;
import org.modmask.train.Train;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.nio.file.Path;
import java.util.*;

/**
 * The MNIST experiment of Lange et al. (2022, spec §3): MLPs trained with one regularizer varied at a time
 * (dropout and L1 with L2 = 1e-5, L2 alone), plus untrained networks as the null; for every network, hidden layer
 * and association measure, the modularity Q of the best partition found and its soft cluster count. Networks below
 * the accuracy cut-off (0.8) are reported but left out of the summaries. Checkpoints go to {@link #dir}, so a
 * re-run only clusters again.
 * <pre>{@code
 * var sweep = ModularitySweep.of(Mnist.train(), Mnist.test()).dropout(0.0, 0.2, 0.4).seeds(2).untrained(5).run();
 * Plot.line(sweep.qVs("dropout"), "dropout", "forward_cov_norm", "backward_jac_norm")
 * }</pre>
 */
public final class ModularitySweep {
    private final Dataset train, test;
    private int[] hidden = {64, 64};
    private long steps = 3000;
    private int batch = 200;
    private int seeds = 1, untrained = 0;
    private double[] dropout = {}, l1 = {}, l2 = {};
    private Associations.Method[] methods = Associations.Method.values();
    private int clusterSteps = 5000;
    private int probe = Integer.MAX_VALUE;
    private double cutoff = 0.8;
    private Path dir;
    private boolean tmlr;

    private ModularitySweep(Dataset train, Dataset test) {
        this.train = train;
        this.test = test;
    }

    /** Trains on {@code train}; associations and accuracy on {@code test} (the paper's choice). */
    public static ModularitySweep of(Dataset train, Dataset test) {
        return new ModularitySweep(train, test);
    }

    public ModularitySweep hidden(int... h) {
        hidden = h.clone();
        return this;
    }

    /** Adam steps per network (batch 200, lr 1e-3). */
    public ModularitySweep steps(long s) {
        steps = s;
        return this;
    }

    /**
     * The TMLR runs' schedule (spec §3.2): 10 % of the training set held out for validation (split by the run's seed),
     * the validation loss once per epoch, the learning rate ×0.25 after 3 epochs without improvement, a stop after 6,
     * and the weights of the best validation loss. {@link #steps} is then the most a network trains (the paper: 500
     * epochs). Off by default: the arXiv-v1 runs train a fixed number of steps.
     */
    public ModularitySweep tmlrSchedule(boolean on) {
        tmlr = on;
        return this;
    }

    public ModularitySweep seeds(int n) {
        if (n <= 0) throw new IllegalArgumentException("seeds must be > 0, got " + n);
        seeds = n;
        return this;
    }

    /** Number of untrained networks for the null band. */
    public ModularitySweep untrained(int n) {
        untrained = n;
        return this;
    }

    public ModularitySweep dropout(double... ps) {
        for (double p : ps) if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + p);
        dropout = ps.clone();
        return this;
    }

    public ModularitySweep l1(double... vs) {
        l1 = vs.clone();
        return this;
    }

    public ModularitySweep l2(double... vs) {
        l2 = vs.clone();
        return this;
    }

    public ModularitySweep methods(Associations.Method... ms) {
        methods = ms.clone();
        return this;
    }

    public ModularitySweep clusterSteps(int s) {
        clusterSteps = s;
        return this;
    }

    /** Use only the first {@code n} test images for the associations (fewer = faster; accuracy uses all). */
    public ModularitySweep probe(int n) {
        probe = n;
        return this;
    }

    public ModularitySweep dir(Path d) {
        dir = d;
        return this;
    }

    /** One network's settings. */
    private record Net(String regularizer, double value, int seed, double drop, double l1, double l2, boolean trained) {
        String file() {
            return regularizer + "-" + value + "-seed" + seed + ".ckpt";
        }
    }

    private List<Net> nets() {
        List<Net> nets = new ArrayList<>();
        for (int s = 0; s < seeds; s++) {
            for (double p : dropout) nets.add(new Net("dropout", p, s, p, 0, 1e-5, true));
            for (double v : l1) nets.add(new Net("l1", v, s, 0, v, 1e-5, true));
            for (double v : l2) nets.add(new Net("l2", v, s, 0, 0, v, true));
        }
        for (int u = 0; u < untrained; u++) nets.add(new Net("untrained", 0, 1000 + u, 0, 0, 0, false));
        return nets;
    }

    /**
     * One network of the sweep, trained (or loaded from its checkpoint): {@code regularizer} is "dropout", "l1",
     * "l2" or "untrained".
     */
    public Model network(String regularizer, double value, int seed) {
        for (Net n : nets())
            if (n.regularizer().equals(regularizer) && n.value() == value && n.seed() == seed) return build(n);
        throw new IllegalArgumentException("the sweep has no " + regularizer + " = " + value + " network with seed " + seed);
    }

    private Model build(Net n) {
        Model m = Mlp.regularized(784, hidden, 10, n.drop(), n.l1(), n.l2(), 286436723L + n.seed());
        if (n.trained()) {
            Train tr = Train.of(m).steps(steps).batchSize(batch).seed(286436723L + n.seed());
            Dataset fit = train;
            if (tmlr) {
                int[] perm = new org.modmask.data.NumpyRandom(286436723L + n.seed()).permutation(train.size());
                int nVal = train.size() / 10;
                fit = train.subset(train.name() + " (90 %)", java.util.Arrays.copyOfRange(perm, nVal, perm.length));
                Dataset val = train.subset(train.name() + " (validation 10 %)", java.util.Arrays.copyOf(perm, nVal));
                tr.validation(val, (fit.size() + batch - 1) / batch).plateau(0.25, 3, 6).restoreBest(true);
            }
            if (dir != null) tr.checkpoint(dir.resolve((tmlr ? "tmlr-" : "") + n.file()));
            tr.run(fit);
        }
        return m;
    }

    /** Trains (or loads) every network and clusters its hidden units. */
    public Result run() {
        Dataset probeSet = probe >= test.size() ? test : test.subset("probe", java.util.stream.IntStream.range(0, probe).toArray());
        Table t = Table.create("modularity by regularizer", StringColumn.create("regularizer"), DoubleColumn.create("value"),
                IntColumn.create("seed"), DoubleColumn.create("accuracy"), StringColumn.create("method"), StringColumn.create("family"),
                IntColumn.create("layer"), DoubleColumn.create("Q"), DoubleColumn.create("clusters"));
        Map<String, double[][]> agreementSum = new LinkedHashMap<>();
        Map<String, Integer> agreementCount = new HashMap<>();
        for (Net n : nets()) {
            Model m = build(n);
            double acc = Eval.accuracy(m, test);
            var r = UnitClusters.of(m, probeSet).methods(methods).steps(clusterSteps).seed(n.seed()).run();
            boolean kept = acc >= cutoff || !n.trained();
            for (Associations.Method me : methods)
                for (int l = 0; l < hidden.length; l++) {
                    Partition p = r.partition(me, l);
                    t.stringColumn("regularizer").append(n.regularizer());
                    t.doubleColumn("value").append(n.value());
                    t.intColumn("seed").append(n.seed());
                    t.doubleColumn("accuracy").append(acc);
                    t.stringColumn("method").append(me.key());
                    t.stringColumn("family").append(me.upstream() ? "upstream" : "downstream");
                    t.intColumn("layer").append(l);
                    t.doubleColumn("Q").append(kept ? p.q() : Double.NaN);
                    t.doubleColumn("clusters").append(kept ? p.softCount() : Double.NaN);
                }
            if (kept) {
                String key = n.trained() ? "trained" : "untrained";
                double[][] s = r.agreementMatrix();
                agreementSum.merge(key, s, (a, b) -> {
                    double[][] c = new double[a.length][a.length];
                    for (int i = 0; i < a.length; i++) for (int j = 0; j < a.length; j++) c[i][j] = a[i][j] + b[i][j];
                    return c;
                });
                agreementCount.merge(key, 1, Integer::sum);
            }
        }
        return new Result(t, List.of(methods), agreementSum, agreementCount);
    }

    /** Every network's Q per method and layer, and the summaries the paper plots. */
    public static final class Result {
        private final Table table;
        private final List<Associations.Method> methods;
        private final Map<String, double[][]> agreementSum;
        private final Map<String, Integer> agreementCount;

        Result(Table table, List<Associations.Method> methods, Map<String, double[][]> sum, Map<String, Integer> count) {
            this.table = table;
            this.methods = methods;
            this.agreementSum = sum;
            this.agreementCount = count;
        }

        /** One row per network, method and layer (Q is NaN below the accuracy cut-off). */
        public Table table() {
            return table;
        }

        /** Mean Q over seeds and layers per regularizer value (rows) and method (columns). */
        public Table qVs(String regularizer) {
            Table t = Table.create("Q vs " + regularizer + " (mean over seeds and layers)", DoubleColumn.create(regularizer));
            for (Associations.Method m : methods) t.addColumns(DoubleColumn.create(m.key()));
            TreeSet<Double> values = new TreeSet<>();
            for (int r = 0; r < table.rowCount(); r++)
                if (table.stringColumn("regularizer").get(r).equals(regularizer)) values.add(table.doubleColumn("value").getDouble(r));
            if (values.isEmpty()) throw new IllegalArgumentException("the sweep has no '" + regularizer + "' networks");
            for (double v : values) {
                t.doubleColumn(regularizer).append(v);
                for (Associations.Method m : methods) t.doubleColumn(m.key()).append(round4(mean(regularizer, v, m.key())));
            }
            return t;
        }

        /**
         * Q of one method against a regularizer's strength, beside the untrained networks' mean and mean ± 2 std
         * (the null band), ready for {@code Plot.line}.
         */
        public Table qVsWithNull(String regularizer, Associations.Method m) {
            Table q = qVs(regularizer), band = nullBand();
            int row = band.stringColumn("method").asList().indexOf(m.key());
            if (row < 0) throw new IllegalArgumentException("the sweep did not compute " + m.key());
            double mu = band.doubleColumn("Q mean").get(row), sd = band.doubleColumn("Q std").get(row);
            Table t = Table.create(m.key() + ": Q vs " + regularizer + " and the untrained null", q.doubleColumn(regularizer).copy(),
                    q.doubleColumn(m.key()).copy().setName("Q"));
            int n = t.rowCount();
            t.addColumns(DoubleColumn.create("null mean", Collections.nCopies(n, mu).stream().mapToDouble(Double::doubleValue).toArray()),
                    DoubleColumn.create("null + 2σ", Collections.nCopies(n, mu + 2 * sd).stream().mapToDouble(Double::doubleValue).toArray()),
                    DoubleColumn.create("null − 2σ", Collections.nCopies(n, mu - 2 * sd).stream().mapToDouble(Double::doubleValue).toArray()));
            return t;
        }

        /** The untrained networks' Q per method: mean and std (the null band). */
        public Table nullBand() {
            Table t = Table.create("untrained networks (null)", StringColumn.create("method"), DoubleColumn.create("Q mean"), DoubleColumn.create("Q std"));
            for (Associations.Method m : methods) {
                List<Double> q = new ArrayList<>();
                for (int r = 0; r < table.rowCount(); r++)
                    if (table.stringColumn("regularizer").get(r).equals("untrained") && table.stringColumn("method").get(r).equals(m.key()))
                        if (!Double.isNaN(table.doubleColumn("Q").getDouble(r))) q.add(table.doubleColumn("Q").getDouble(r));
                double mu = q.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
                double sd = Math.sqrt(q.stream().mapToDouble(x -> (x - mu) * (x - mu)).sum() / Math.max(1, q.size() - 1));
                t.stringColumn("method").append(m.key());
                t.doubleColumn("Q mean").append(round4(mu));
                t.doubleColumn("Q std").append(q.size() > 1 ? round4(sd) : 0);
            }
            return t;
        }

        /** Element-centric agreement between methods, averaged over trained networks and layers. */
        public double[][] agreement() {
            return average("trained");
        }

        /** The same minus the untrained networks' average (how much training changes agreement). */
        public double[][] agreementMinusUntrained() {
            double[][] a = average("trained"), u = average("untrained"), d = new double[a.length][a.length];
            for (int i = 0; i < a.length; i++) for (int j = 0; j < a.length; j++) d[i][j] = a[i][j] - u[i][j];
            return d;
        }

        public String[] methodKeys() {
            return methods.stream().map(Associations.Method::key).toArray(String[]::new);
        }

        /**
         * One row per network: regularizer, value, seed, test accuracy (%), and for one method each hidden layer's Q and
         * soft number of clusters (empty under the accuracy cut-off, except for untrained networks).
         */
        public Table perNetwork(Associations.Method m) {
            Table t = Table.create(m.key() + ": every network", StringColumn.create("regularizer"), DoubleColumn.create("value"),
                    IntColumn.create("seed"), DoubleColumn.create("accuracy %"));
            int layers = 0;
            for (int r = 0; r < table.rowCount(); r++) layers = Math.max(layers, table.intColumn("layer").getInt(r) + 1);
            for (int l = 1; l <= layers; l++) t.addColumns(DoubleColumn.create("layer " + l + " Q"), DoubleColumn.create("layer " + l + " clusters"));
            for (int r = 0; r < table.rowCount(); r++) {
                if (!table.stringColumn("method").get(r).equals(m.key())) continue;
                int l = table.intColumn("layer").getInt(r);
                if (l == 0) {
                    t.stringColumn("regularizer").append(table.stringColumn("regularizer").get(r));
                    t.doubleColumn("value").append(table.doubleColumn("value").getDouble(r));
                    t.intColumn("seed").append(table.intColumn("seed").getInt(r));
                    t.doubleColumn("accuracy %").append(Math.round(1000 * table.doubleColumn("accuracy").getDouble(r)) / 10.0);
                    for (int k = 1; k <= layers; k++) {
                        t.doubleColumn("layer " + k + " Q").appendMissing();
                        t.doubleColumn("layer " + k + " clusters").appendMissing();
                    }
                }
                int row = t.rowCount() - 1;
                t.doubleColumn("layer " + (l + 1) + " Q").set(row, round4(table.doubleColumn("Q").getDouble(r)));
                double k = table.doubleColumn("clusters").getDouble(r);     // Math.round(NaN) would be 0, not missing
                t.doubleColumn("layer " + (l + 1) + " clusters").set(row, Double.isNaN(k) ? Double.NaN : Math.round(100 * k) / 100.0);
            }
            return t;
        }

        /** How many untrained networks the null band rests on. */
        public int untrainedCount() {
            Set<Integer> seeds = new TreeSet<>();
            for (int r = 0; r < table.rowCount(); r++)
                if (table.stringColumn("regularizer").get(r).equals("untrained")) seeds.add(table.intColumn("seed").getInt(r));
            return seeds.size();
        }

        /** The lowest test accuracy (%) of the networks trained with one regularizer, e.g. "dropout". */
        public double lowestAccuracy(String regularizer) {
            double low = Double.NaN;
            for (int r = 0; r < table.rowCount(); r++)
                if (table.stringColumn("regularizer").get(r).equals(regularizer)) {
                    double a = 100 * table.doubleColumn("accuracy").getDouble(r);
                    low = Double.isNaN(low) ? a : Math.min(low, a);
                }
            return low;
        }

        /**
         * Mean Q at a regularizer's strongest value minus at its weakest, among the values whose networks passed the
         * accuracy cut-off ("up to the cut-off", as the paper reads its curves); NaN when fewer than two did.
         */
        public double rise(String regularizer, Associations.Method m) {
            double[] q = finiteQ(regularizer, m);
            return q.length < 2 ? Double.NaN : q[q.length - 1] - q[0];
        }

        /** Mean Q at a regularizer's strongest value that passed the cut-off, in null standard deviations above the null's mean. */
        public double zAboveNull(String regularizer, Associations.Method m) {
            double[] q = finiteQ(regularizer, m);
            Table band = nullBand();
            int row = band.stringColumn("method").asList().indexOf(m.key());
            if (row < 0) throw new IllegalArgumentException("the sweep did not compute " + m.key());
            double sd = band.doubleColumn("Q std").getDouble(row);
            return sd > 0 && q.length > 0 ? (q[q.length - 1] - band.doubleColumn("Q mean").getDouble(row)) / sd : Double.NaN;
        }

        private double[] finiteQ(String regularizer, Associations.Method m) {
            var col = qVs(regularizer).doubleColumn(m.key());      // a NaN mean is a missing value to Tablesaw: read by row
            return java.util.stream.IntStream.range(0, col.size()).mapToDouble(col::getDouble).filter(v -> !Double.isNaN(v)).toArray();
        }

        /**
         * How much better the partitions of the two normalized measures of one family agree than the partitions across
         * families do: element-sim of the within-family pair minus the mean over the four cross-family pairs, on the
         * agreement with the untrained networks' agreement subtracted (as the paper's figure does).
         */
        public double familyLead(boolean upstream) {
            List<Integer> up = new ArrayList<>(), down = new ArrayList<>();
            for (int i = 0; i < methods.size(); i++)
                if (methods.get(i).normalized()) (methods.get(i).upstream() ? up : down).add(i);
            if (up.size() != 2 || down.size() != 2) throw new IllegalStateException("needs the four normalized measures, has " + methods);
            double[][] a = agreementMinusUntrained();
            List<Integer> fam = upstream ? up : down;
            double within = a[fam.get(0)][fam.get(1)], across = 0;
            for (int i : up) for (int j : down) across += a[i][j] / 4;
            return within - across;
        }

        private double[][] average(String key) {
            double[][] s = agreementSum.get(key);
            if (s == null) throw new IllegalStateException("no " + key + " network passed the accuracy cut-off");
            int n = agreementCount.get(key);
            double[][] a = new double[s.length][s.length];
            for (int i = 0; i < s.length; i++) for (int j = 0; j < s.length; j++) a[i][j] = s[i][j] / n;
            return a;
        }

        private static double round4(double v) {
            return Double.isNaN(v) ? v : Math.round(v * 1e4) / 1e4;
        }

        private double mean(String reg, double value, String method) {
            double sum = 0;
            int n = 0;
            for (int r = 0; r < table.rowCount(); r++)
                if (table.stringColumn("regularizer").get(r).equals(reg) && table.doubleColumn("value").getDouble(r) == value
                        && table.stringColumn("method").get(r).equals(method) && !Double.isNaN(table.doubleColumn("Q").getDouble(r))) {
                    sum += table.doubleColumn("Q").getDouble(r);
                    n++;
                }
            return n == 0 ? Double.NaN : sum / n;
        }
    }
}
