package org.modmask.experiment;

import org.modmask.plot.Chart;
import org.modmask.plot.Plot;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Map;

/**
 * The Mathematics figure (spec §3.4): per module, accuracy on the <em>hard</em> test set of the trained network
 * ("train", unmasked), under the control mask (trained on all difficulties) and under the mask trained on easy
 * questions only. If the network solved hard questions with the same weights as easy ones, the easy mask would keep
 * them and match the control; a large drop says hard questions need weights that easy ones do not use.
 * <pre>{@code
 * var t = DifficultyTransfer.table(Map.of("Add or sub", addResult, "Sort", sortResult), "control", "easy", "hard");
 * DifficultyTransfer.chart(t)
 * }</pre>
 */
public final class DifficultyTransfer {
    private DifficultyTransfer() {
    }

    /**
     * One row per module (the map's order): accuracy % on {@code view} of the unmasked network, the control stage's
     * mask and the easy stage's mask, means over each result's runs, and the easy mask's drop relative to the control.
     */
    public static Table table(Map<String, Result> modules, String control, String easy, String view) {
        Table t = Table.create(view + " test set, % right", StringColumn.create("module"), DoubleColumn.create("train"),
                DoubleColumn.create("control"), DoubleColumn.create("easy mask"), DoubleColumn.create("relative drop %"));
        modules.forEach((name, r) -> {
            double c = r.accuracy(control, view)[0], e = r.accuracy(easy, view)[0];
            t.stringColumn("module").append(name);
            t.doubleColumn("train").append(round(r.accuracy("unmasked", view)[0]));
            t.doubleColumn("control").append(round(c));
            t.doubleColumn("easy mask").append(round(e));
            if (c > 0) t.doubleColumn("relative drop %").append(round(100 * (c - e) / c));
            else t.doubleColumn("relative drop %").appendMissing();
        });
        return t;
    }

    /**
     * Every module's masks side by side: one row per module and mask ("unmasked" first), the mean accuracy % on each
     * view, and for masks the share of weights kept and of logits still undecided (read a mask only once it is sparse
     * and mostly decided).
     */
    public static Table overview(Map<String, Result> modules) {
        Table t = Table.create("accuracy % per mask and test set", StringColumn.create("module"), StringColumn.create("mask"));
        List<String> views = null;
        for (var e : modules.entrySet()) {
            Result r = e.getValue();
            Table acc = r.accuracy();
            if (views == null) {
                views = acc.columnNames().stream().filter(c -> !c.equals("mask") && !c.endsWith(" ±")).toList();
                for (String v : views) t.addColumns(DoubleColumn.create(v));
                t.addColumns(DoubleColumn.create("kept %"), DoubleColumn.create("undecided %"));
            }
            for (int row = 0; row < acc.rowCount(); row++) {
                String mask = acc.stringColumn("mask").get(row);
                t.stringColumn("module").append(e.getKey());
                t.stringColumn("mask").append(mask);
                for (String v : views) t.doubleColumn(v).append(round(acc.doubleColumn(v).get(row)));
                if (mask.equals("unmasked")) {
                    t.doubleColumn("kept %").appendMissing();
                    t.doubleColumn("undecided %").appendMissing();
                } else {
                    t.doubleColumn("kept %").append(round(r.kept(mask)[0]));
                    t.doubleColumn("undecided %").append(round(r.undecided(mask)[0]));
                }
            }
        }
        return t;
    }

    /** The table as grouped bars: train, control and easy mask per module. */
    public static Chart chart(Table t) {
        return Plot.bars(t, "module", "train", "control", "easy mask").yLabel(t.name());
    }

    private static double round(double v) {
        return Math.round(10 * v) / 10.0;
    }
}
