package org.modmask.experiment;

import org.modmask.analysis.Confusion;
import org.modmask.data.Dataset;
import org.modmask.plot.Chart;
import org.modmask.plot.Plot;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.*;

/**
 * The class-removal analysis of spec §3.5 on a {@link Protocol} result whose first stage is the control mask and
 * whose other stages are each named after the class their training data left out (e.g. "cat"): row-normalized
 * confusion matrices on a validation set, their differences from the control in percentage points, the relative
 * drop of the removed class and the largest other-class drop as a share of it (spec §2 items 9–11), mean ± std
 * over runs.
 * <pre>{@code
 * var removal = ClassRemoval.of(result, cifar.valid(), Cifar10.CLASSES);
 * removal.drops()                 // one row per removed class
 * removal.heatmap("cat")          // Δ confusion, percentage points
 * }</pre>
 */
public final class ClassRemoval {
    private final String[] classes;
    private final List<String> removed;
    /** [run] control confusion; [stage][run] confusion with that stage's mask. */
    private final List<double[][]> control = new ArrayList<>();
    private final Map<String, List<double[][]>> without = new LinkedHashMap<>();

    private ClassRemoval(String[] classes, List<String> removed) {
        this.classes = classes;
        this.removed = removed;
    }

    /** Evaluates every run's masks on {@code data} (labels one-hot in column {@code y}). */
    public static ClassRemoval of(Result result, Dataset data, String[] classNames) {
        List<String> stages = new ArrayList<>(result.run(0).masks().keySet());
        String controlStage = stages.remove(0);
        for (String s : stages) index(classNames, s);
        ClassRemoval c = new ClassRemoval(classNames.clone(), stages);
        for (Result.Run run : result.runs()) {
            c.control.add(Confusion.matrix(run.model(), run.masks().get(controlStage), data, "y", classNames.length));
            for (String s : stages)
                c.without.computeIfAbsent(s, k -> new ArrayList<>())
                        .add(Confusion.matrix(run.model(), run.masks().get(s), data, "y", classNames.length));
        }
        return c;
    }

    /** From confusion matrices already computed (tests, or masks evaluated elsewhere): control[run], without[stage][run]. */
    public static ClassRemoval of(String[] classNames, List<double[][]> control, Map<String, List<double[][]>> without) {
        ClassRemoval c = new ClassRemoval(classNames.clone(), new ArrayList<>(without.keySet()));
        for (String s : without.keySet()) {
            index(classNames, s);
            if (without.get(s).size() != control.size())
                throw new IllegalArgumentException("stage '" + s + "' has " + without.get(s).size() + " runs, the control " + control.size());
        }
        c.control.addAll(control);
        c.without.putAll(without);
        return c;
    }

    private static int index(String[] classNames, String stage) {
        for (int i = 0; i < classNames.length; i++) if (classNames[i].equals(stage)) return i;
        throw new IllegalArgumentException("stage '" + stage + "' is not a class name; class-removal stages must be named after the removed class "
                + Arrays.toString(classNames));
    }

    /** The removed classes, in stage order. */
    public List<String> removed() {
        return Collections.unmodifiableList(removed);
    }

    /** Mean row-normalized confusion (fractions) of the control mask. */
    public double[][] controlConfusion() {
        return mean(control);
    }

    /**
     * The class that the control mask most often predicts for {@code cls}'s images (the largest off-diagonal entry of
     * its row): a similarity measured on this network, for classes that the paper names no similar class for.
     */
    public String mostConfusedWith(String cls) {
        int i = index(classes, cls);
        double[] row = controlConfusion()[i];
        int best = -1;
        for (int j = 0; j < row.length; j++) if (j != i && (best < 0 || row[j] > row[best])) best = j;
        return classes[best];
    }

    /** Mean {@code Δ = C_without − C_control} in percentage points, for the stage that removed {@code cls}. */
    public double[][] difference(String cls) {
        List<double[][]> ds = new ArrayList<>();
        List<double[][]> w = stage(cls);
        for (int r = 0; r < w.size(); r++) ds.add(Confusion.differencePoints(w.get(r), control.get(r)));
        return mean(ds);
    }

    private List<double[][]> stage(String cls) {
        List<double[][]> w = without.get(cls);
        if (w == null) throw new IllegalArgumentException("no class-removal stage '" + cls + "'; have " + removed);
        return w;
    }

    /**
     * One row per removed class: its relative drop (%, spec item 10: {@code −rel(c)}), the largest other-class
     * drop as % of it (item 11), which other class dropped most, and where the removed class's lost mass went most.
     */
    public Table drops() {
        Table t = Table.create("class removal: relative drop of the removed class and of the others",
                StringColumn.create("removed class"), DoubleColumn.create("target drop %"), DoubleColumn.create("± target"),
                DoubleColumn.create("largest other / target %"), DoubleColumn.create("± other"),
                DoubleColumn.create("control accuracy %"), StringColumn.create("most hurt other class"), StringColumn.create("mass moved most to"));
        for (String s : removed) {
            int c = index(classes, s);
            List<double[][]> w = stage(s);
            double[] target = new double[w.size()], other = new double[w.size()];
            double[] meanRel = new double[classes.length];
            for (int r = 0; r < w.size(); r++) {
                double[] rel = Confusion.relativeChange(w.get(r), control.get(r));
                target[r] = -rel[c];
                other[r] = Confusion.worstOtherOverTarget(rel, c);
                for (int i = 0; i < rel.length; i++) meanRel[i] += rel[i] / w.size();
            }
            int hurt = -1, gain = -1;
            double[][] d = difference(s);
            for (int i = 0; i < classes.length; i++) {
                if (i == c) continue;
                if (hurt < 0 || meanRel[i] < meanRel[hurt]) hurt = i;
                if (gain < 0 || d[c][i] > d[c][gain]) gain = i;
            }
            t.stringColumn(0).append(s);
            t.doubleColumn(1).append(round(Result.mean(target)));
            t.doubleColumn(2).append(round(Result.std(target)));
            t.doubleColumn(3).append(round(Result.mean(other)));
            t.doubleColumn(4).append(round(Result.std(other)));
            t.doubleColumn(5).append(round(controlConfusion()[c][c] * 100));
            t.stringColumn(6).append(classes[hurt]);
            t.stringColumn(7).append(String.format(Locale.ROOT, "%s (%+.1f pp)", classes[gain], d[c][gain]));
        }
        return t;
    }

    /**
     * The relative drop (%, spec item 10, mean over runs) of <em>every</em> class under every removal mask: one row per
     * removed class, one column per class. A class-specific mask shows one large cell per row, on the diagonal.
     */
    public double[][] dropMatrix() {
        double[][] m = new double[removed.size()][classes.length];
        for (int k = 0; k < removed.size(); k++) {
            List<double[][]> w = stage(removed.get(k));
            for (int r = 0; r < w.size(); r++) {
                double[] rel = Confusion.relativeChange(w.get(r), control.get(r));
                for (int i = 0; i < classes.length; i++) m[k][i] += -rel[i] / w.size();
            }
        }
        return m;
    }

    /** {@link #dropMatrix()} as a table: "removed class", then one column per class (relative drop, %). */
    public Table dropTable() {
        double[][] m = dropMatrix();
        Table t = Table.create("relative drop (%) of every class (columns) under each removal mask (rows)", StringColumn.create("removed class", removed));
        for (int i = 0; i < classes.length; i++) {
            DoubleColumn c = DoubleColumn.create(classes[i]);
            for (double[] row : m) c.append(round(row[i]));
            t.addColumns(c);
        }
        return t;
    }

    /** {@link #dropMatrix()} as one heatmap: every removed class (rows) against every class (columns). */
    public Chart dropHeatmap() {
        return Plot.heatmap("relative accuracy drop (%) of each class (columns) under each removal mask (rows)", dropMatrix(), classes,
                removed.toArray(String[]::new)).diverging().xLabel("class");
    }

    /**
     * Where each removed class's images go: row k is the removed class's own row of {@link #difference} (percentage
     * points, mean over runs) under its removal mask, one column per predicted class. The diagonal cell is what the
     * class lost; the other cells add up to it and show which classes took its images.
     */
    public double[][] movedMatrix() {
        double[][] m = new double[removed.size()][];
        for (int k = 0; k < removed.size(); k++) m[k] = difference(removed.get(k))[index(classes, removed.get(k))];
        return m;
    }

    /** {@link #movedMatrix()} as one red–white–blue heatmap: every removal mask's row of the confusion change. */
    public Chart movedHeatmap() {
        return Plot.heatmap("where each removed class's images go: change of its confusion row (percentage points)", movedMatrix(), classes,
                removed.toArray(String[]::new)).diverging().xLabel("predicted class");
    }

    /** The confusion difference for one removed class as a red–white–blue heatmap (true class rows, predictions columns). */
    public Chart heatmap(String cls) {
        return Plot.heatmap("confusion change without '" + cls + "' (percentage points; rows: true class)", difference(cls), classes, classes)
                .diverging().xLabel("predicted class");
    }

    /** Bars of the relative drop of every removed class next to the largest drop of any other class (both in %). */
    public Chart dropBars() {
        Table d = drops();
        return Plot.bars(dropComparison(d), "class", "removed class", "largest other class")
                .errors("removed class", d.doubleColumn("± target").asDoubleArray()).yLabel("relative drop (%)");
    }

    /** What the drop bars show: per removed class, its own relative drop and the largest other class's (both %). */
    public Table dropComparison() {
        return dropComparison(drops());
    }

    private Table dropComparison(Table d) {
        double[] other = new double[removed.size()];
        for (int k = 0; k < removed.size(); k++) {
            int c = index(classes, removed.get(k));
            List<double[][]> w = stage(removed.get(k));
            for (int r = 0; r < w.size(); r++)
                other[k] += Confusion.worstOtherDrop(Confusion.relativeChange(w.get(r), control.get(r)), c) / w.size();
            other[k] = round(other[k]);
        }
        return Table.create("relative accuracy drop (%)", d.stringColumn("removed class").copy().setName("class"),
                d.doubleColumn("target drop %").copy().setName("removed class"), DoubleColumn.create("largest other class", other));
    }

    private static double[][] mean(List<double[][]> ms) {
        int n = ms.get(0).length;
        double[][] m = new double[n][n];
        for (double[][] x : ms) for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) m[i][j] += x[i][j] / ms.size();
        return m;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }

    @Override
    public String toString() {
        return "ClassRemoval of " + removed + " over " + control.size() + " run(s)";
    }
}
