package org.modmask.analysis;

import org.modmask.data.Dataset;
import org.modmask.mask.WeightMask;
import org.modmask.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.Map;

/**
 * Confusion matrices {@code C[true, pred]} with every true-class row normalized to sum 1, their differences
 * (in percentage points) and the relative per-class drop (spec §2 items 9–11).
 */
public final class Confusion {
    private Confusion() {
    }

    /** Row-normalized confusion of a single-softmax classifier with one-hot labels in {@code labelName}. */
    public static double[][] matrix(Model model, Dataset data, String labelName, int classes) {
        long[][] c = new long[classes][classes];
        for (int i = 0; i < data.size(); i += 1024) {
            Map<String, INDArray> b = data.slice(i, Math.min(data.size(), i + 1024));
            int[] pred = model.logits(b).argMax(1).toIntVector();
            int[] truth = b.get(labelName).argMax(1).toIntVector();
            for (int j = 0; j < pred.length; j++) c[truth[j]][pred[j]]++;
        }
        return normalizeRows(c);
    }

    public static double[][] matrix(Model model, WeightMask mask, Dataset data, String labelName, int classes) {
        try (WeightMask.Applied a = mask.apply(model)) {
            return matrix(model, data, labelName, classes);
        }
    }

    public static double[][] normalizeRows(long[][] counts) {
        double[][] r = new double[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            long s = 0;
            for (long v : counts[i]) s += v;
            r[i] = new double[counts[i].length];
            for (int j = 0; j < counts[i].length; j++) r[i][j] = s == 0 ? 0 : (double) counts[i][j] / s;
        }
        return r;
    }

    /** {@code (C − C_ref) × 100}, percentage points. */
    public static double[][] differencePoints(double[][] c, double[][] ref) {
        double[][] d = new double[c.length][];
        for (int i = 0; i < c.length; i++) {
            d[i] = new double[c[i].length];
            for (int j = 0; j < c[i].length; j++) d[i][j] = (c[i][j] - ref[i][j]) * 100;
        }
        return d;
    }

    /** {@code rel(i) = diag(C − C_ref)_i / diag(C_ref)_i × 100} for every class. */
    public static double[] relativeChange(double[][] c, double[][] ref) {
        double[] r = new double[c.length];
        for (int i = 0; i < c.length; i++) r[i] = (c[i][i] - ref[i][i]) / ref[i][i] * 100;
        return r;
    }

    /** Largest other-class drop as % of the target's: {@code min(min_{i≠c} rel(i), 0) / rel(c) × 100}. */
    public static double worstOtherOverTarget(double[] rel, int target) {
        return -worstOtherDrop(rel, target) / rel[target] * 100;
    }

    /** The largest relative drop of any class but the target, as a positive %: {@code −min(min_{i≠c} rel(i), 0)}. */
    public static double worstOtherDrop(double[] rel, int target) {
        double worst = 0;
        for (int i = 0; i < rel.length; i++) if (i != target) worst = Math.min(worst, rel[i]);
        return -worst;
    }

    /** A matrix as a table with the class names as row labels and columns. */
    public static Table table(String title, double[][] m, String[] classNames) {
        Table t = Table.create(title, StringColumn.create("true"));
        for (String c : classNames) t.addColumns(DoubleColumn.create(c));
        for (int i = 0; i < m.length; i++) {
            t.stringColumn("true").append(classNames[i]);
            for (int j = 0; j < m[i].length; j++) t.doubleColumn(classNames[j]).append(m[i][j]);
        }
        return t;
    }
}
