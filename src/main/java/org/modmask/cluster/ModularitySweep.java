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
    private static final double CUTOFF = 0.8;     // the paper drops networks under 80 % test accuracy
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

    /** The five agreement measures of spec §2.4 kept per pair of methods; each is 1 for identical partitions. */
    public static final List<String> MEASURES = List.of("element-sim", "RMI (norm.)", "VI (norm.)", "matching", "RSA (Spearman)");

    /** Trains (or loads) every network and clusters its hidden units. */
    public Result run() {
        Dataset probeSet = probe >= test.size() ? test : test.subset("probe", java.util.stream.IntStream.range(0, probe).toArray());
        Table t = Table.create("modularity by regularizer", StringColumn.create("regularizer"), DoubleColumn.create("value"),
                IntColumn.create("seed"), DoubleColumn.create("accuracy"), StringColumn.create("method"), StringColumn.create("family"),
                IntColumn.create("layer"), DoubleColumn.create("Q"), DoubleColumn.create("clusters"), IntColumn.create("dead units"));
        Table nets = Table.create("networks", StringColumn.create("regularizer"), DoubleColumn.create("value"), IntColumn.create("seed"),
                DoubleColumn.create("accuracy %"), DoubleColumn.create("L1 norm"), DoubleColumn.create("L2 norm"));
        Table pairs = Table.create("agreement between methods, per network and layer", StringColumn.create("regularizer"),
                DoubleColumn.create("value"), IntColumn.create("seed"), IntColumn.create("layer"), StringColumn.create("a"), StringColumn.create("b"));
        for (String m : MEASURES) pairs.addColumns(DoubleColumn.create(m));
        Map<String, Object[]> done = new HashMap<>();     // identical settings (dropout 0 = L2 1e-5) train and cluster once
        for (Net n : nets()) {
            String same = n.drop() + "/" + n.l1() + "/" + n.l2() + "/" + n.seed() + "/" + n.trained();
            Object[] got = done.get(same);
            if (got == null) {
                Model m = build(n);
                double acc = Eval.accuracy(m, test);
                got = new Object[]{acc, UnitClusters.of(m, probeSet).methods(methods).steps(clusterSteps).seed(n.seed()).run(), norms(m)};
                done.put(same, got);
            }
            double acc = (double) got[0];
            UnitClusters.Result r = (UnitClusters.Result) got[1];
            double[] norm = (double[]) got[2];
            boolean kept = acc >= CUTOFF || !n.trained();
            nets.stringColumn("regularizer").append(n.regularizer());
            nets.doubleColumn("value").append(n.value());
            nets.intColumn("seed").append(n.seed());
            nets.doubleColumn("accuracy %").append(100 * acc);
            nets.doubleColumn("L1 norm").append(norm[0]);
            nets.doubleColumn("L2 norm").append(norm[1]);
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
                    t.intColumn("dead units").append((int) Arrays.stream(p.labels()).filter(x -> x < 0).count());
                }
            if (!kept) continue;
            for (int l = 0; l < hidden.length; l++)
                for (int i = 0; i < methods.length; i++)
                    for (int j = i + 1; j < methods.length; j++) {
                        int[] pa = r.partition(methods[i], l).labels(), pb = r.partition(methods[j], l).labels();
                        pairs.stringColumn("regularizer").append(n.regularizer());
                        pairs.doubleColumn("value").append(n.value());
                        pairs.intColumn("seed").append(n.seed());
                        pairs.intColumn("layer").append(l);
                        pairs.stringColumn("a").append(methods[i].key());
                        pairs.stringColumn("b").append(methods[j].key());
                        pairs.doubleColumn(MEASURES.get(0)).append(Agreement.elementSimilarity(pa, pb));
                        pairs.doubleColumn(MEASURES.get(1)).append(Agreement.reducedMutualInformationNormalized(pa, pb));
                        pairs.doubleColumn(MEASURES.get(2)).append(Agreement.variationOfInformationSimilarity(pa, pb));
                        pairs.doubleColumn(MEASURES.get(3)).append(Agreement.matchingScore(pa, pb));
                        pairs.doubleColumn(MEASURES.get(4)).append(Agreement.spearman(r.matrix(methods[i], l), r.matrix(methods[j], l)));
                    }
        }
        return new Result(t, nets, pairs, List.of(methods), hidden.clone());
    }

    /** Σ|W| and ΣW² over the weight matrices (biases excluded), as the paper's penalties count them. */
    private static double[] norms(Model m) {
        double l1 = 0, l2 = 0;
        for (int l = 0; m.hasParam("layers." + l + ".weight"); l++) {
            var w = m.get("layers." + l + ".weight").castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE);
            l1 += w.norm1Number().doubleValue();
            l2 += Math.pow(w.norm2Number().doubleValue(), 2);
        }
        return new double[]{l1, l2};
    }

    /** Every network's Q per method and layer, and the summaries the paper plots. */
    public static final class Result {
        private final Table table, networks, pairs;
        private final List<Associations.Method> methods;
        private final int[] hidden;

        Result(Table table, Table networks, Table pairs, List<Associations.Method> methods, int[] hidden) {
            this.table = table;
            this.networks = networks;
            this.pairs = pairs;
            this.methods = methods;
            this.hidden = hidden;
        }

        /** One row per network, method and layer (Q is NaN below the accuracy cut-off). */
        public Table table() {
            return table;
        }

        /** One row per network: test accuracy (%) and the norms the penalties count, Σ|W| and ΣW². */
        public Table networks() {
            return networks;
        }

        /**
         * One row per network that passed the cut-off (and per untrained network), hidden layer and pair of methods:
         * the five agreement measures of {@link #MEASURES}.
         */
        public Table pairs() {
            return pairs;
        }

        /** The hidden layer widths of the sweep's networks. */
        public int[] hidden() {
            return hidden.clone();
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
            return agreement(MEASURES.get(0), -1);
        }

        /** The same minus the untrained networks' average (how much training changes agreement). */
        public double[][] agreementMinusUntrained() {
            return agreementMinusUntrained(MEASURES.get(0), -1);
        }

        /** Agreement by one of {@link #MEASURES}, averaged over trained networks, on one hidden layer (0-based; −1: all). */
        public double[][] agreement(String measure, int layer) {
            return average(true, measure, layer);
        }

        /** The same minus its average over untrained networks. */
        public double[][] agreementMinusUntrained(String measure, int layer) {
            double[][] a = average(true, measure, layer), u = average(false, measure, layer), d = new double[a.length][a.length];
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

        /** One method's Q against a regularizer, mean over layers: see {@link #vs}. */
        public Table qVs(String regularizer, Associations.Method m) {
            return vs(regularizer, m, "Q", -1);
        }

        /** One method's Q on one hidden layer (0-based) against a regularizer: see {@link #vs}. */
        public Table qVs(String regularizer, Associations.Method m, int layer) {
            return vs(regularizer, m, "Q", layer);
        }

        /** One method's soft number of clusters against a regularizer, mean over layers: see {@link #vs}. */
        public Table clustersVs(String regularizer, Associations.Method m) {
            return vs(regularizer, m, "clusters", -1);
        }

        /**
         * A quantity ("Q" or "clusters") of one method against a regularizer's strength, as the paper plots it: per
         * value the mean over seeds (each seed's value averaged over the hidden layers, or on one layer), its standard
         * error over seeds, each seed, the x position as "% regularization" (dropout: p; L1/L2: the log-position in the
         * grid), and the untrained networks' mean ± 1 and 2 standard deviations (over networks and the same layers).
         * Values whose networks all missed the accuracy cut-off are missing.
         */
        public Table vs(String regularizer, Associations.Method m, String quantity, int layer) {
            if (!quantity.equals("Q") && !quantity.equals("clusters")) throw new IllegalArgumentException("quantity is \"Q\" or \"clusters\", got " + quantity);
            if (!methods.contains(m)) throw new IllegalArgumentException("the sweep did not compute " + m.key());
            TreeSet<Double> values = values(regularizer);
            TreeSet<Integer> seeds = new TreeSet<>();
            for (int r = 0; r < table.rowCount(); r++)
                if (table.stringColumn("regularizer").get(r).equals(regularizer)) seeds.add(table.intColumn("seed").getInt(r));
            String where = layer < 0 ? "" : ", layer " + (layer + 1);
            Table t = Table.create(m.key() + ": " + quantity + " vs " + regularizer + where + " (± s.e.m. over seeds)",
                    DoubleColumn.create(regularizer), DoubleColumn.create("% regularization"), DoubleColumn.create(quantity),
                    DoubleColumn.create("s.e.m."), IntColumn.create("seeds"));
            for (int sd : seeds) t.addColumns(DoubleColumn.create("seed " + sd));
            double[] band = nullOf(m, quantity, layer);
            for (String c : List.of("null mean", "null + 1σ", "null − 1σ", "null + 2σ", "null − 2σ")) t.addColumns(DoubleColumn.create(c));
            double lo = values.first(), hi = values.last();
            for (double v : values) {
                List<Double> per = new ArrayList<>();
                t.doubleColumn(regularizer).append(v);
                t.doubleColumn("% regularization").append(regularizer.equals("dropout") || lo <= 0 || hi == lo ? 100 * v
                        : Math.round(1000 * (Math.log(v) - Math.log(lo)) / (Math.log(hi) - Math.log(lo))) / 10.0);
                for (int sd : seeds) {
                    double x = seedValue(regularizer, v, sd, m, quantity, layer);
                    t.doubleColumn("seed " + sd).append(round4(x));
                    if (!Double.isNaN(x)) per.add(x);
                }
                double mu = per.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
                double var = per.stream().mapToDouble(x -> (x - mu) * (x - mu)).sum() / Math.max(1, per.size() - 1);
                t.doubleColumn(quantity).append(round4(mu));
                t.doubleColumn("s.e.m.").append(per.size() > 1 ? round4(Math.sqrt(var / per.size())) : 0);
                t.intColumn("seeds").append(per.size());
                t.doubleColumn("null mean").append(round4(band[0]));
                t.doubleColumn("null + 1σ").append(round4(band[0] + band[1]));
                t.doubleColumn("null − 1σ").append(round4(band[0] - band[1]));
                t.doubleColumn("null + 2σ").append(round4(band[0] + 2 * band[1]));
                t.doubleColumn("null − 2σ").append(round4(band[0] - 2 * band[1]));
            }
            return t;
        }

        /** Mean soft number of clusters over seeds and layers per regularizer value (rows) and method (columns). */
        public Table clustersVs(String regularizer) {
            Table t = Table.create("soft number of clusters vs " + regularizer + " (mean over seeds and layers)", DoubleColumn.create(regularizer));
            for (Associations.Method m : methods) t.addColumns(DoubleColumn.create(m.key()));
            for (double v : values(regularizer)) {
                t.doubleColumn(regularizer).append(v);
                for (Associations.Method m : methods) {
                    var c = vs(regularizer, m, "clusters", -1);
                    t.doubleColumn(m.key()).append(c.where(c.doubleColumn(regularizer).isEqualTo(v)).doubleColumn("clusters").getDouble(0));
                }
            }
            return t;
        }

        /**
         * Q of each normalized measure in standard deviations of its own untrained null, (Q − null mean) / null std,
         * against a regularizer: per value the mean over seeds (each seed's Q averaged over layers), with its s.e.m. in
         * a {@code "<method> s.e.m."} column. Every measure's null band is then the same, −2 to 2: one chart holds all
         * four measures.
         */
        public Table zVs(String regularizer) {
            TreeSet<Double> values = values(regularizer);
            Table t = Table.create("Q vs " + regularizer + " in σ of the untrained null (mean ± s.e.m. over seeds)", DoubleColumn.create(regularizer),
                    DoubleColumn.create("% regularization"));
            List<Associations.Method> norm = methods.stream().filter(Associations.Method::normalized).toList();
            for (Associations.Method m : norm) t.addColumns(DoubleColumn.create(m.key()), DoubleColumn.create(m.key() + " s.e.m."));
            t.addColumns(DoubleColumn.create("null mean"), DoubleColumn.create("null + 2σ"), DoubleColumn.create("null − 2σ"));
            Map<Associations.Method, Table> q = new HashMap<>();
            for (Associations.Method m : norm) q.put(m, vs(regularizer, m, "Q", -1));
            int row = 0;
            for (double v : values) {
                t.doubleColumn(regularizer).append(v);
                t.doubleColumn("% regularization").append(q.get(norm.get(0)).doubleColumn("% regularization").getDouble(row));
                for (Associations.Method m : norm) {
                    Table x = q.get(m);
                    double[] band = nullOf(m, "Q", -1);
                    t.doubleColumn(m.key()).append(Math.round(100 * (x.doubleColumn("Q").getDouble(row) - band[0]) / band[1]) / 100.0);
                    t.doubleColumn(m.key() + " s.e.m.").append(Math.round(100 * x.doubleColumn("s.e.m.").getDouble(row) / band[1]) / 100.0);
                }
                t.doubleColumn("null mean").append(0.0);
                t.doubleColumn("null + 2σ").append(2.0);
                t.doubleColumn("null − 2σ").append(-2.0);
                row++;
            }
            return t;
        }

        /**
         * Claim 2 by every agreement measure and layer: within the upstream pair, within the downstream pair, and
         * across (mean of the four cross-family pairs), each with the untrained networks' value subtracted, and each
         * family's lead over the cross pairs.
         */
        public Table agreementByMeasure() {
            int[][] fam = families();
            Table t = Table.create("agreement of the normalized measures minus untrained networks, by agreement measure and layer",
                    StringColumn.create("measure"), StringColumn.create("layers"), DoubleColumn.create("upstream pair"),
                    DoubleColumn.create("downstream pair"), DoubleColumn.create("across (mean of 4)"), DoubleColumn.create("upstream lead"),
                    DoubleColumn.create("downstream lead"));
            for (String measure : MEASURES)
                for (int l = -1; l < hidden.length; l++) {
                    double[][] a = agreementMinusUntrained(measure, l);
                    double across = 0;
                    for (int i : fam[0]) for (int j : fam[1]) across += a[i][j] / 4;
                    double up = a[fam[0][0]][fam[0][1]], down = a[fam[1][0]][fam[1][1]];
                    t.stringColumn("measure").append(measure);
                    t.stringColumn("layers").append(l < 0 ? "all" : "layer " + (l + 1));
                    t.doubleColumn("upstream pair").append(round4(up));
                    t.doubleColumn("downstream pair").append(round4(down));
                    t.doubleColumn("across (mean of 4)").append(round4(across));
                    t.doubleColumn("upstream lead").append(round4(up - across));
                    t.doubleColumn("downstream lead").append(round4(down - across));
                }
            return t;
        }

        /** A seed's value at one setting: its quantity averaged over the selected layers (NaN under the cut-off). */
        private double seedValue(String regularizer, double value, int seed, Associations.Method m, String quantity, int layer) {
            double sum = 0;
            int n = 0;
            for (int r = 0; r < table.rowCount(); r++)
                if (table.stringColumn("regularizer").get(r).equals(regularizer) && table.doubleColumn("value").getDouble(r) == value
                        && table.intColumn("seed").getInt(r) == seed && table.stringColumn("method").get(r).equals(m.key())
                        && (layer < 0 || table.intColumn("layer").getInt(r) == layer)) {
                    double x = table.doubleColumn(quantity).getDouble(r);
                    if (Double.isNaN(x)) return Double.NaN;
                    sum += x;
                    n++;
                }
            return n == 0 ? Double.NaN : sum / n;
        }

        /** The untrained networks' mean and std of a quantity over networks and the selected layers. */
        private double[] nullOf(Associations.Method m, String quantity, int layer) {
            List<Double> q = new ArrayList<>();
            for (int r = 0; r < table.rowCount(); r++)
                if (table.stringColumn("regularizer").get(r).equals("untrained") && table.stringColumn("method").get(r).equals(m.key())
                        && (layer < 0 || table.intColumn("layer").getInt(r) == layer) && !Double.isNaN(table.doubleColumn(quantity).getDouble(r)))
                    q.add(table.doubleColumn(quantity).getDouble(r));
            double mu = q.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
            double sd = Math.sqrt(q.stream().mapToDouble(x -> (x - mu) * (x - mu)).sum() / Math.max(1, q.size() - 1));
            return new double[]{mu, q.size() > 1 ? sd : 0};
        }

        private TreeSet<Double> values(String regularizer) {
            TreeSet<Double> values = new TreeSet<>();
            for (int r = 0; r < table.rowCount(); r++)
                if (table.stringColumn("regularizer").get(r).equals(regularizer)) values.add(table.doubleColumn("value").getDouble(r));
            if (values.isEmpty()) throw new IllegalArgumentException("the sweep has no '" + regularizer + "' networks");
            return values;
        }

        /**
         * Test accuracy and weight norms against a regularizer (the paper's "performance and norms" figure): per value
         * the mean over seeds of the accuracy (%), its s.e.m., Σ|W| and ΣW², every network counted (also those under
         * the cut-off, which the line at 80 % shows).
         */
        public Table performance(String regularizer) {
            TreeSet<Double> values = values(regularizer);
            Table t = Table.create("test accuracy and weight norms vs " + regularizer + " (mean over seeds)", DoubleColumn.create(regularizer),
                    DoubleColumn.create("accuracy %"), DoubleColumn.create("accuracy s.e.m."), DoubleColumn.create("L1 norm"),
                    DoubleColumn.create("L2 norm"), DoubleColumn.create("L1 norm, % of the weakest"), DoubleColumn.create("L2 norm, % of the weakest"),
                    DoubleColumn.create("cut-off %"));
            double[] first = null;
            for (double v : values) {
                List<double[]> rows = new ArrayList<>();
                for (int r = 0; r < networks.rowCount(); r++)
                    if (networks.stringColumn("regularizer").get(r).equals(regularizer) && networks.doubleColumn("value").getDouble(r) == v)
                        rows.add(new double[]{networks.doubleColumn("accuracy %").getDouble(r), networks.doubleColumn("L1 norm").getDouble(r),
                                networks.doubleColumn("L2 norm").getDouble(r)});
                double acc = rows.stream().mapToDouble(x -> x[0]).average().orElse(Double.NaN);
                double var = rows.stream().mapToDouble(x -> (x[0] - acc) * (x[0] - acc)).sum() / Math.max(1, rows.size() - 1);
                t.doubleColumn(regularizer).append(v);
                t.doubleColumn("accuracy %").append(Math.round(100 * acc) / 100.0);
                t.doubleColumn("accuracy s.e.m.").append(rows.size() > 1 ? Math.round(100 * Math.sqrt(var / rows.size())) / 100.0 : 0);
                double n1 = rows.stream().mapToDouble(x -> x[1]).average().orElse(Double.NaN), n2 = rows.stream().mapToDouble(x -> x[2]).average().orElse(Double.NaN);
                if (first == null) first = new double[]{n1, n2};
                t.doubleColumn("L1 norm").append(Math.round(10 * n1) / 10.0);
                t.doubleColumn("L2 norm").append(Math.round(100 * n2) / 100.0);
                t.doubleColumn("L1 norm, % of the weakest").append(Math.round(1000 * n1 / first[0]) / 10.0);
                t.doubleColumn("L2 norm, % of the weakest").append(Math.round(1000 * n2 / first[1]) / 10.0);
                t.doubleColumn("cut-off %").append(100 * CUTOFF);
            }
            return t;
        }

        /** One method's Q per hidden layer (rows, 1-based), one column per regularizer value (mean over seeds) and one for the untrained networks. */
        public Table qVsDepth(String regularizer, Associations.Method m) {
            TreeSet<Double> values = values(regularizer);
            Table t = Table.create(m.key() + ": Q by hidden layer (mean over seeds)", IntColumn.create("layer"));
            for (double v : values) t.addColumns(DoubleColumn.create(regularizer + " " + label(v)));
            t.addColumns(DoubleColumn.create("untrained"));
            for (int l = 0; l < hidden.length; l++) {
                t.intColumn("layer").append(l + 1);
                var byValue = vs(regularizer, m, "Q", l);
                int row = 0;
                for (double v : values) t.doubleColumn(regularizer + " " + label(v)).append(byValue.doubleColumn("Q").getDouble(row++));
                t.doubleColumn("untrained").append(round4(nullOf(m, "Q", l)[0]));
            }
            return t;
        }

        /**
         * Agreement of the normalized measures by family against a regularizer, with the untrained networks' agreement
         * subtracted: per value (mean over its networks and the layers, or one layer) the upstream pair (covariance ↔
         * input gradient), the downstream pair (output gradient ↔ Hessian) and the mean of the four cross-family pairs.
         */
        public Table agreementVs(String regularizer, String measure, int layer) {
            TreeSet<Double> values = values(regularizer);
            int[][] fam = families();
            double[][] u = average(false, measure, layer);
            Table t = Table.create(measure + " vs " + regularizer + " minus untrained (" + (layer < 0 ? "all layers" : "layer " + (layer + 1)) + ")",
                    DoubleColumn.create(regularizer), DoubleColumn.create("upstream pair"), DoubleColumn.create("downstream pair"),
                    DoubleColumn.create("across (mean of 4)"));
            for (double v : values) {
                double[][] a = averageWhere(measure, layer, regularizer, v);
                t.doubleColumn(regularizer).append(v);
                t.doubleColumn("upstream pair").append(round4(a[fam[0][0]][fam[0][1]] - u[fam[0][0]][fam[0][1]]));
                t.doubleColumn("downstream pair").append(round4(a[fam[1][0]][fam[1][1]] - u[fam[1][0]][fam[1][1]]));
                double across = 0;
                for (int i : fam[0]) for (int j : fam[1]) across += (a[i][j] - u[i][j]) / 4;
                t.doubleColumn("across (mean of 4)").append(round4(across));
            }
            return t;
        }

        /**
         * Agreement of the normalized measures by family, per hidden layer: trained networks, untrained ones, and the
         * difference. The last hidden layer's output-gradient matrix is |W_out W_outᵀ| whatever the data (spec §1), so
         * its downstream agreement is high even untrained; the difference is what training adds.
         */
        public Table agreementByLayer(String measure) {
            int[][] fam = families();
            Table t = Table.create(measure + " by hidden layer: within each family and across", IntColumn.create("layer"), StringColumn.create("networks"),
                    DoubleColumn.create("upstream pair"), DoubleColumn.create("downstream pair"), DoubleColumn.create("across (mean of 4)"));
            for (int l = 0; l < hidden.length; l++) {
                double[][] a = average(true, measure, l), u = average(false, measure, l);
                for (String kind : List.of("trained", "untrained", "trained − untrained")) {
                    double[][] x = new double[a.length][a.length];
                    for (int i = 0; i < a.length; i++)
                        for (int j = 0; j < a.length; j++) x[i][j] = kind.equals("trained") ? a[i][j] : kind.equals("untrained") ? u[i][j] : a[i][j] - u[i][j];
                    double across = 0;
                    for (int i : fam[0]) for (int j : fam[1]) across += x[i][j] / 4;
                    t.intColumn("layer").append(l + 1);
                    t.stringColumn("networks").append(kind);
                    t.doubleColumn("upstream pair").append(round4(x[fam[0][0]][fam[0][1]]));
                    t.doubleColumn("downstream pair").append(round4(x[fam[1][0]][fam[1][1]]));
                    t.doubleColumn("across (mean of 4)").append(round4(across));
                }
            }
            return t;
        }

        /**
         * Spearman correlation between the agreement measures over every pair of methods, layer and trained network
         * (the paper's appendix figure): do the measures rank the method pairs alike?
         */
        public double[][] measureCorrelation() {
            List<Integer> rows = new ArrayList<>();
            for (int r = 0; r < pairs.rowCount(); r++) {
                if (pairs.stringColumn("regularizer").get(r).equals("untrained")) continue;
                boolean finite = true;
                for (String m : MEASURES) finite &= !Double.isNaN(pairs.doubleColumn(m).getDouble(r));
                if (finite) rows.add(r);
            }
            int k = MEASURES.size();
            double[][] c = new double[k][k];
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++) {
                    if (i == j) {
                        c[i][j] = 1;
                        continue;
                    }
                    int fi = i, fj = j;
                    double[] x = rows.stream().mapToDouble(r -> pairs.doubleColumn(MEASURES.get(fi)).getDouble(r)).toArray();
                    double[] y = rows.stream().mapToDouble(r -> pairs.doubleColumn(MEASURES.get(fj)).getDouble(r)).toArray();
                    c[i][j] = Math.round(1000 * Agreement.spearman(x, y)) / 1000.0;
                }
            return c;
        }

        /** Indices of the upstream and downstream normalized measures. */
        private int[][] families() {
            List<Integer> up = new ArrayList<>(), down = new ArrayList<>();
            for (int i = 0; i < methods.size(); i++)
                if (methods.get(i).normalized()) (methods.get(i).upstream() ? up : down).add(i);
            if (up.size() != 2 || down.size() != 2) throw new IllegalStateException("needs the four normalized measures, has " + methods);
            return new int[][]{{up.get(0), up.get(1)}, {down.get(0), down.get(1)}};
        }

        private double[][] averageWhere(String measure, int layer, String regularizer, double value) {
            return averageRows(measure, layer, r -> pairs.stringColumn("regularizer").get(r).equals(regularizer)
                    && pairs.doubleColumn("value").getDouble(r) == value);
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
            return familyLead(upstream, -1);
        }

        /** {@link #familyLead(boolean)} on one hidden layer (0-based; −1: all layers). */
        public double familyLead(boolean upstream, int layer) {
            int[][] fam = families();
            double[][] a = agreementMinusUntrained(MEASURES.get(0), layer);
            int[] f = upstream ? fam[0] : fam[1];
            double within = a[f[0]][f[1]], across = 0;
            for (int i : fam[0]) for (int j : fam[1]) across += a[i][j] / 4;
            return within - across;
        }

        private double[][] average(boolean trained, String measure, int layer) {
            double[][] a = averageRows(measure, layer, r -> pairs.stringColumn("regularizer").get(r).equals("untrained") != trained);
            if (a.length > 1 && Double.isNaN(a[0][1]))
                throw new IllegalStateException(trained ? "no trained network passed the accuracy cut-off" : "the sweep has no untrained networks");
            return a;
        }

        /** One agreement measure per pair of methods, averaged over the pair rows that pass {@code keep} (and the layer). */
        private double[][] averageRows(String measure, int layer, java.util.function.IntPredicate keep) {
            if (!MEASURES.contains(measure)) throw new IllegalArgumentException("no agreement measure '" + measure + "'; measures: " + MEASURES);
            int k = methods.size();
            double[][] sum = new double[k][k];
            int[][] count = new int[k][k];
            List<String> keys = Arrays.asList(methodKeys());
            for (int r = 0; r < pairs.rowCount(); r++) {
                if (!keep.test(r) || layer >= 0 && pairs.intColumn("layer").getInt(r) != layer) continue;
                double v = pairs.doubleColumn(measure).getDouble(r);
                if (Double.isNaN(v)) continue;
                int i = keys.indexOf(pairs.stringColumn("a").get(r)), j = keys.indexOf(pairs.stringColumn("b").get(r));
                sum[i][j] += v;
                sum[j][i] += v;
                count[i][j]++;
                count[j][i]++;
            }
            double[][] a = new double[k][k];
            for (int i = 0; i < k; i++)
                for (int j = 0; j < k; j++) a[i][j] = i == j ? 1 : count[i][j] == 0 ? Double.NaN : sum[i][j] / count[i][j];
            return a;
        }

        /** A regularizer value as a column name: 0.5, 0.001, 1e-05. */
        static String label(double v) {
            if (v == 0) return "0";
            if (v >= 1e-3) return java.math.BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
            return String.format(Locale.ROOT, "%.0e", v);
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
