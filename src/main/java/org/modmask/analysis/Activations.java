package org.modmask.analysis;

import org.modmask.data.Dataset;
import org.modmask.mask.WeightMask;
import org.modmask.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.*;

/**
 * An activation cache: every named intermediate activation of a model ({@link Model#activationNames()}: an MLP's
 * {@code hidden.0}, …, a CNN's {@code conv.0.out}, …, and {@code logits}) on the first examples of a dataset, in
 * evaluation mode, with or without a mask. A <i>unit</i> is a column of a {@code [examples, units]} activation, a
 * channel of a {@code [examples, channels, h, w]} one, the last axis of a sequence's.
 * <pre>{@code
 * var before = Activations.of(model, test, 500);
 * var after  = Activations.of(model, plusMask, test, 500);
 * Activations.compare(before, after)          // per unit: mean, mean under the mask, change, share active
 * }</pre>
 */
public final class Activations {
    private static final int BATCH = 256;
    private final String label;
    private final LinkedHashMap<String, INDArray> values;

    private Activations(String label, LinkedHashMap<String, INDArray> values) {
        this.label = label;
        this.values = values;
    }

    /** The named activations (all of them when {@code names} is empty) on the first {@code examples} rows of {@code data}. */
    public static Activations of(Model model, Dataset data, int examples, String... names) {
        return run(model, data, examples, names, "unmasked");
    }

    /** The same with a mask applied (the model's weights are restored afterwards). */
    public static Activations of(Model model, WeightMask mask, Dataset data, int examples, String... names) {
        try (var applied = mask.apply(model)) {
            return run(model, data, examples, names, "mask '" + mask.name() + "'");
        }
    }

    private static Activations run(Model model, Dataset data, int examples, String[] names, String label) {
        List<String> want = names.length > 0 ? List.of(names) : model.activationNames();
        if (want.isEmpty())
            throw new IllegalArgumentException("this " + model.kind() + " has no named activations; name the graph's variables to read");
        if (examples < 1) throw new IllegalArgumentException("examples must be ≥ 1, got " + examples);
        int n = Math.min(examples, data.size());
        boolean was = model.isTraining();
        model.training(false);
        Map<String, List<INDArray>> parts = new LinkedHashMap<>();
        try {
            for (int i = 0; i < n; i += BATCH) {
                Map<String, INDArray> out = model.outputs(data.slice(i, Math.min(n, i + BATCH)), want);
                for (String w : want) parts.computeIfAbsent(w, k -> new ArrayList<>()).add(out.get(w).dup());
            }
        } finally {
            model.training(was);
        }
        LinkedHashMap<String, INDArray> v = new LinkedHashMap<>();
        parts.forEach((k, list) -> v.put(k, list.size() == 1 ? list.get(0) : Nd4j.concat(0, list.toArray(INDArray[]::new))));
        return new Activations(label, v);
    }

    /** The activation names, in graph order. */
    public List<String> names() {
        return List.copyOf(values.keySet());
    }

    /** One activation, all examples: {@code [examples, …]}. */
    public INDArray get(String name) {
        INDArray a = values.get(name);
        if (a == null) throw new IllegalArgumentException("no activation '" + name + "' in this cache; it has " + values.keySet());
        return a;
    }

    /** Every activation by name. */
    public Map<String, INDArray> map() {
        return Collections.unmodifiableMap(values);
    }

    /** [examples·positions, units]: one row per example (and spatial or time position), one column per unit. */
    private static INDArray byUnit(INDArray a) {
        if (a.rank() == 2) return a;
        if (a.rank() == 4) return a.permute(0, 2, 3, 1).dup('c').reshape(-1, a.size(1));
        if (a.rank() == 3) return a.dup('c').reshape(-1, a.size(2));
        throw new IllegalArgumentException("activations of rank " + a.rank() + " have no unit axis here");
    }

    /** The mean of each unit of an activation, the value a mean-ablation puts in (see {@link Ablation#mean}). */
    public double[] means(String name) {
        return byUnit(get(name)).mean(0).toDoubleVector();
    }

    /** Per unit: activation, unit, mean, standard deviation and the share of examples where it is above zero (%). */
    public Table units() {
        Table t = Table.create("activations per unit (" + label + ")", StringColumn.create("activation"), IntColumn.create("unit"),
                DoubleColumn.create("mean"), DoubleColumn.create("std"), DoubleColumn.create("active %"));
        for (String n : values.keySet()) {
            INDArray u = byUnit(values.get(n));
            double[] mean = u.mean(0).toDoubleVector(), std = u.std(0).toDoubleVector();
            double[] active = u.gt(0).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).mean(0).toDoubleVector();
            for (int j = 0; j < mean.length; j++) {
                t.stringColumn(0).append(n);
                t.intColumn(1).append(j);
                t.doubleColumn(2).append(round(mean[j]));
                t.doubleColumn(3).append(round(std[j]));
                t.doubleColumn(4).append(Math.round(1000 * active[j]) / 10.0);
            }
        }
        return t;
    }

    /**
     * What a mask changes unit by unit: both caches' {@link #units()} side by side (same model, names and examples),
     * with the change of each mean and {@code silenced}: true where a unit was active on some example before and on
     * none after.
     */
    public static Table compare(Activations before, Activations after) {
        if (!before.values.keySet().equals(after.values.keySet()))
            throw new IllegalArgumentException("the caches hold different activations: " + before.values.keySet() + " vs " + after.values.keySet());
        Table a = before.units(), b = after.units();
        if (a.rowCount() != b.rowCount()) throw new IllegalArgumentException("the caches have different unit counts");
        DoubleColumn change = DoubleColumn.create("change");
        tech.tablesaw.api.BooleanColumn silenced = tech.tablesaw.api.BooleanColumn.create("silenced");
        for (int i = 0; i < a.rowCount(); i++) {
            change.append(round(b.doubleColumn("mean").getDouble(i) - a.doubleColumn("mean").getDouble(i)));
            silenced.append(a.doubleColumn("active %").getDouble(i) > 0 && b.doubleColumn("active %").getDouble(i) == 0);
        }
        // columns complete before the table: Table.create pads shorter columns with missing values
        Table t = Table.create("what " + after.label + " changes, unit by unit (against " + before.label + ")",
                a.stringColumn("activation").copy(), a.intColumn("unit").copy(),
                a.doubleColumn("mean").copy(), b.doubleColumn("mean").copy().setName("mean after"),
                change, a.doubleColumn("active %").copy(), b.doubleColumn("active %").copy().setName("active % after"), silenced);
        return t;
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Activations (" + label + "): ");
        values.forEach((k, v) -> s.append(k).append(Arrays.toString(v.shape())).append(' '));
        return s.toString().trim();
    }
}
