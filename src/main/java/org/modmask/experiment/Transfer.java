package org.modmask.experiment;

import org.modmask.data.Dataset;
import org.modmask.mask.JointMasks;
import org.modmask.mask.Masks;
import org.modmask.mask.WeightMask;
import org.modmask.nn.Init;
import org.modmask.nn.Model;
import org.modmask.nn.Param;
import org.modmask.plot.Chart;
import org.modmask.plot.Plot;
import org.modmask.train.Eval;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.*;
import java.util.function.IntFunction;

/**
 * Weight sharing across a sequence of tasks (spec §3.7, the permuted-MNIST transfer experiment). For task
 * {@code p}: the weights that earlier tasks' masks used are frozen, all others are re-initialized (Xavier-normal,
 * gain √2 for hidden layers and 1 for the output, zero biases); the first layer is always free because the input
 * permutation changes; the task's logits start at {@code usedInit} (2) on used weights and {@code newInit} on
 * the others; then weights and mask train together ({@link JointMasks}). Reported: the share of task {@code p}'s
 * mask that earlier tasks already used, per layer (spec §2 item 16).
 * <pre>{@code
 * var tasks = PermutedMnist.load();
 * Transfer.Outcome o = Transfer.of(Mlp.classifier(784, new int[]{800, 800, 64}, 10, 1))
 *     .tasks(5).newInit(0).configure(j -> j.steps(3_000)).run(tasks::train, tasks::valid);
 * o.shared()
 * }</pre>
 */
public final class Transfer {
    private final Model model;
    private int tasks = 11;
    private double usedInit = 2, newInit = 2;
    private List<String> firstLayer;
    private java.util.function.Consumer<JointMasks> config = j -> { };
    private long seed = 1;

    private Transfer(Model model) {
        this.model = model;
    }

    public static Transfer of(Model model) {
        return new Transfer(model);
    }

    /** Number of tasks (the paper: 11, p = 0..10). */
    public Transfer tasks(int n) {
        if (n < 2) throw new IllegalArgumentException("transfer needs at least 2 tasks, got " + n);
        tasks = n;
        return this;
    }

    /** Initial logit of weights no earlier task used: 2 (neutral), 0 (prefer old), −1 (prefer old even more). */
    public Transfer newInit(double logit) {
        if (!Double.isFinite(logit)) throw new IllegalArgumentException("newInit must be finite, got " + logit);
        newInit = logit;
        return this;
    }

    public Transfer usedInit(double logit) {
        if (!Double.isFinite(logit)) throw new IllegalArgumentException("usedInit must be finite, got " + logit);
        usedInit = logit;
        return this;
    }

    /** The parameters re-trained for every task (default: the first weight matrix and its bias). */
    public Transfer firstLayer(String... params) {
        for (String p : params) model.param(p);
        firstLayer = List.of(params);
        return this;
    }

    /** Settings of the joint weight + mask training of every task (steps, K, β, lr). */
    public Transfer configure(java.util.function.Consumer<JointMasks> c) {
        config = c;
        return this;
    }

    public Transfer seed(long s) {
        seed = s;
        return this;
    }

    /** Trains the tasks in order; {@code train.apply(p)} and {@code valid.apply(p)} give task p's data. */
    public Outcome run(IntFunction<Dataset> train, IntFunction<Dataset> valid) {
        List<String> names = model.parameters().stream().map(Param::name).filter(n -> !n.contains("embedding")).toList();
        List<String> first = firstLayer != null ? firstLayer : names.stream().filter(n -> n.startsWith(firstPrefix(names))).toList();
        String last = names.get(names.size() - 1).replaceAll("\\.(weight|bias)$", "");
        Map<String, INDArray> used = new LinkedHashMap<>();
        for (String n : names) used.put(n, model.get(n).ulike().assign(0));
        List<WeightMask> masks = new ArrayList<>();
        double[] acc = new double[tasks];
        Init init = new Init(seed);
        for (int p = 0; p < tasks; p++) {
            for (String n : first) used.get(n).assign(0);
            LinkedHashMap<String, INDArray> start = new LinkedHashMap<>();
            for (String n : names) {
                INDArray u = used.get(n), w = model.get(n);
                INDArray fresh = freshWeights(init, model.param(n), n.startsWith(last + "."));
                w.assign(w.mul(u).addi(fresh.muli(u.rsub(1))));
                start.put(n, u.mul(usedInit).addi(u.rsub(1).muli(newInit)));
            }
            JointMasks j = JointMasks.of(model).seed(seed + p).noiseSeed(seed * 1000 + p).frozen(used);
            config.accept(j);
            WeightMask m = j.train(train.apply(p), new WeightMask("task " + p, start));
            masks.add(m);
            try (var a = m.apply(model)) {
                acc[p] = Eval.accuracy(model, valid.apply(p));
            }
            for (String n : names) used.get(n).assign(used.get(n).add(m.kept(n)).gt(0).castTo(used.get(n).dataType()));
        }
        return new Outcome(names, first, masks, acc, newInit);
    }

    private static String firstPrefix(List<String> names) {
        return names.get(0).replaceAll("(weight|bias)$", "");
    }

    /** Xavier-normal weights (gain √2 for hidden layers, 1 for the output layer), zero biases. */
    private static INDArray freshWeights(Init init, Param p, boolean output) {
        long[] s = p.shape();
        if (p.isBias() || s.length < 2) return init.zeros(s);
        double gain = output ? 1 : Math.sqrt(2);
        return init.normal(gain * Math.sqrt(2.0 / (s[0] + s[1])), s);
    }

    /** What a transfer run produced: each task's mask and validation accuracy (with its mask). */
    public record Outcome(List<String> params, List<String> firstLayer, List<WeightMask> masks, double[] accuracy, double newInit) {
        /** Per task p ≥ 1 and masked weight matrix: |M_p ∩ ∪_{q<p} M_q| / |M_p| (spec §2 item 16), and in total. */
        public Table shared() {
            List<String> layers = params.stream().filter(n -> n.endsWith("weight")).toList();
            Table t = Table.create("share of each task's mask already used by earlier tasks (new-weight logit init " + newInit + ")",
                    IntColumn.create("task"));
            for (String l : layers) t.addColumns(DoubleColumn.create(l));
            t.addColumns(DoubleColumn.create("total"), DoubleColumn.create("kept %"), DoubleColumn.create("accuracy %"));
            for (int p = 1; p < masks.size(); p++) {
                WeightMask earlier = masks.get(0);
                for (int q = 1; q < p; q++) earlier = earlier.or(masks.get(q));
                WeightMask mine = masks.get(p), inter = mine.and(earlier);
                t.intColumn("task").append(p);
                long both = 0, all = 0;
                for (String l : params) {
                    long k = mine.keptCount(l);
                    long s = inter.keptCount(l);
                    if (layers.contains(l)) t.doubleColumn(l).append(k == 0 ? Double.NaN : round((double) s / k));
                    if (!firstLayer.contains(l)) {
                        both += s;
                        all += k;
                    }
                }
                t.doubleColumn("total").append(all == 0 ? Double.NaN : round((double) both / all));
                t.doubleColumn("kept %").append(Math.round(mine.density() * 1000) / 10.0);
                t.doubleColumn("accuracy %").append(Math.round(accuracy[p] * 1000) / 10.0);
            }
            return t;
        }

        /** The shared proportion per hidden weight matrix (not the first or output layer, as the paper) against the task index. */
        public Chart chart() {
            Table s = shared();
            List<String> weights = params.stream().filter(n -> n.endsWith("weight")).toList();
            List<String> layers = weights.stream().filter(n -> !firstLayer.contains(n) && !n.equals(weights.get(weights.size() - 1))).toList();
            return Plot.line(s, "task", layers.toArray(new String[0])).title(s.name()).yLabel("shared proportion").yRange(0, 1);
        }
    }

    /**
     * One column per outcome ("new init 2", …): the shared proportion of {@code layer} (a weight name or "total")
     * against the task index, to compare the initialization variants in one table or chart.
     */
    public static Table compare(String layer, Outcome... outcomes) {
        Table t = Table.create("shared proportion of " + layer + " by task and new-weight init", IntColumn.create("task"));
        Table first = outcomes[0].shared();
        t.intColumn("task").append(first.intColumn("task"));
        for (Outcome o : outcomes) {
            Table s = o.shared();
            if (s.rowCount() != first.rowCount()) throw new IllegalArgumentException("outcomes with different numbers of tasks");
            t.addColumns(s.doubleColumn(layer).copy().setName("new init " + fmt(o.newInit())));
        }
        return t;
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
