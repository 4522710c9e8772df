package org.modmask.experiment;

import org.modmask.analysis.Compare;
import org.modmask.mask.WeightMask;
import org.modmask.nn.Model;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.*;

/**
 * What a {@link Protocol} produced: per run the trained model, its masks and the accuracy of every mask (and
 * complement) on every view; and summaries over runs as tables (mean and sample standard deviation).
 */
public final class Result {
    /** One run. {@code accuracy} is keyed by mask name and view name. */
    public record Run(int index, Model model, LinkedHashMap<String, WeightMask> masks, double trainSeconds,
                      LinkedHashMap<String, Double> accuracy, List<String> maskOrder) {
        Run(int index, Model model, LinkedHashMap<String, WeightMask> masks, double trainSeconds) {
            this(index, model, masks, trainSeconds, new LinkedHashMap<>(), new ArrayList<>());
        }

        public double accuracy(String mask, String view) {
            Double v = accuracy.get(mask + "\u0000" + view);
            if (v == null) throw new IllegalArgumentException("no accuracy for mask '" + mask + "' on view '" + view + "'");
            return v;
        }
    }

    private final String name;
    private final List<String> stages, views;
    private final List<Run> runs = new ArrayList<>();

    Result(String name, List<String> stages, List<String> views) {
        this.name = name;
        this.stages = stages;
        this.views = views;
    }

    void add(Run r) {
        runs.add(r);
    }

    public String name() {
        return name;
    }

    public List<Run> runs() {
        return Collections.unmodifiableList(runs);
    }

    /** Run {@code i} (its index, as in the folder {@code run-i}; a protocol with {@code onlyRun(i)} has that one alone). */
    public Run run(int i) {
        for (Run r : runs) if (r.index() == i) return r;
        throw new IllegalArgumentException("no run " + i + "; runs are " + runs.stream().map(Run::index).toList());
    }

    public WeightMask mask(String stage, int run) {
        WeightMask m = run(run).masks().get(stage);
        if (m == null) throw new IllegalArgumentException("no stage '" + stage + "'; stages are " + stages);
        return m;
    }

    /**
     * Mean accuracy (%) per mask (rows) and view (columns); with several runs also a "view ±" column (std), which
     * {@code Plot.bars} draws as error bars. One run has no spread to show, so no ± columns.
     */
    public Table accuracy() {
        boolean spread = runs.size() > 1;
        Table t = Table.create(name + ": accuracy %" + (spread ? " (mean over " + runs.size() + " runs)" : ""), StringColumn.create("mask"));
        for (String v : views) {
            t.addColumns(DoubleColumn.create(v));
            if (spread) t.addColumns(DoubleColumn.create(v + " ±"));
        }
        for (String m : runs.get(0).maskOrder()) {
            t.stringColumn("mask").append(m);
            for (String v : views) {
                double[] xs = runs.stream().mapToDouble(r -> 100 * r.accuracy(m, v)).toArray();
                t.doubleColumn(v).append(round(mean(xs)));
                if (spread) t.doubleColumn(v + " ±").append(round(std(xs)));
            }
        }
        return t;
    }

    /** IoU and IoMin per layer between two stages' masks, mean and std over runs. */
    public Table iou(String a, String b) {
        boolean spread = runs.size() > 1;                    // ± columns only when there is a spread to show
        Table t = Table.create(name + ": " + a + " vs " + b, StringColumn.create("param"), DoubleColumn.create("iou"),
                DoubleColumn.create("iou ±"), DoubleColumn.create("iomin"), DoubleColumn.create("iomin ±"));
        List<Table> per = runs.stream().map(r -> Compare.iou(mask(a, r.index()), mask(b, r.index()))).toList();
        for (int row = 0; row < per.get(0).rowCount(); row++) {
            final int i = row;
            t.stringColumn("param").append(per.get(0).stringColumn("param").get(i));
            double[] iou = per.stream().mapToDouble(p -> p.doubleColumn("iou").get(i)).toArray();
            double[] iomin = per.stream().mapToDouble(p -> p.doubleColumn("iomin").get(i)).toArray();
            t.doubleColumn("iou").append(round(mean(iou)));
            t.doubleColumn("iou ±").append(round(std(iou)));
            t.doubleColumn("iomin").append(round(mean(iomin)));
            t.doubleColumn("iomin ±").append(round(std(iomin)));
        }
        if (!spread) t.removeColumns("iou ±", "iomin ±");
        return t;
    }

    /** Kept weights per layer for each stage (mean over runs), with the layer size. */
    public Table kept() {
        Table t = Table.create(name + ": kept weights per layer", StringColumn.create("param"));
        for (String s : stages) t.addColumns(DoubleColumn.create(s));
        t.addColumns(DoubleColumn.create("total"));
        WeightMask first = mask(stages.get(0), 0);
        for (String p : first.params()) {
            t.stringColumn("param").append(p);
            for (String s : stages) t.doubleColumn(s).append(runs.stream().mapToDouble(r -> mask(s, r.index()).keptCount(p)).average().orElse(0));
            t.doubleColumn("total").append(first.size(p));
        }
        return t;
    }

    /** Convergence check per stage and run: kept % and undecided % of the logits. */
    public Table convergence() {
        Table t = Table.create(name + ": mask convergence", StringColumn.create("mask"), IntColumn.create("run"),
                DoubleColumn.create("kept %"), DoubleColumn.create("undecided %"));
        for (Run r : runs)
            for (String s : stages) {
                WeightMask m = r.masks().get(s);
                t.stringColumn("mask").append(s);
                t.intColumn("run").append(r.index());
                t.doubleColumn("kept %").append(round(100 * m.density()));
                t.doubleColumn("undecided %").append(round(100 * m.undecided()));
            }
        return t;
    }

    /** Accuracy (%) of one mask ("unmasked", a stage, "¬" + stage, ...) on one view: mean and std over runs. */
    public double[] accuracy(String mask, String view) {
        return meanStd(runs.stream().mapToDouble(r -> 100 * r.accuracy(mask, view)).toArray());
    }

    /** Share of weights (%) a stage's mask keeps: mean and std over runs. */
    public double[] kept(String stage) {
        return meanStd(runs.stream().mapToDouble(r -> 100 * mask(stage, r.index()).density()).toArray());
    }

    /** Share of undecided logits (%) of a stage's mask: mean and std over runs. */
    public double[] undecided(String stage) {
        return meanStd(runs.stream().mapToDouble(r -> 100 * mask(stage, r.index()).undecided()).toArray());
    }

    /** The lowest accuracy (%) of one mask ("unmasked" for the base network) over every view and run. */
    public double lowestAccuracy(String mask) {
        return runs.stream().flatMapToDouble(r -> views.stream().mapToDouble(v -> 100 * r.accuracy(mask, v))).min().orElse(Double.NaN);
    }

    /** The highest share of undecided logits (%) of any mask of any run: the convergence precondition's figure. */
    public double mostUndecided() {
        return runs.stream().flatMapToDouble(r -> stages.stream().mapToDouble(s -> 100 * r.masks().get(s).undecided())).max().orElse(Double.NaN);
    }

    /** The stage names, the control mask first. */
    public List<String> stages() {
        return stages;
    }

    /** The view names. */
    public List<String> views() {
        return views;
    }

    /** Mean and std, rounded to 0.01 for tables. */
    private static double[] meanStd(double[] xs) {
        return new double[]{round(mean(xs)), round(std(xs))};
    }

    /** Total shared % between two stages (spec §2 item 5), mean and std over runs. */
    public double[] totalShared(String a, String b) {
        double[] xs = runs.stream().mapToDouble(r -> 100 * Compare.totalShared(mask(a, r.index()), mask(b, r.index()))).toArray();
        return new double[]{mean(xs), std(xs)};
    }

    static double mean(double[] xs) {
        return Arrays.stream(xs).average().orElse(Double.NaN);
    }

    /** Sample standard deviation (Bessel's correction), 0 for a single run. */
    static double std(double[] xs) {
        if (xs.length < 2) return 0;
        double m = mean(xs), s = 0;
        for (double x : xs) s += (x - m) * (x - m);
        return Math.sqrt(s / (xs.length - 1));
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

    @Override
    public String toString() {
        return "Result '" + name + "': " + runs.size() + " runs, stages " + stages + ", views " + views;
    }
}
