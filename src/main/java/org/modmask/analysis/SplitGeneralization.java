package org.modmask.analysis;

import org.modmask.experiment.Result;
import org.modmask.plot.Chart;
import org.modmask.plot.Plot;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;
import java.util.Map;

/**
 * SCAN's Figure 4(a) (spec §3.3): for each held-out split X, the accuracy on X's test set of the network under the
 * mask trained on the full problem and under the mask trained on X's own training set, next to a network trained from
 * scratch on X. Stages and views of the {@link Result} are named by split ("simple", "jump", ...).
 * <pre>{@code
 * SplitGeneralization.table(result, "simple", List.of("turn_left", "jump", "length"), Map.of("jump", 1.2, ...))
 * }</pre>
 */
public final class SplitGeneralization {
    private SplitGeneralization() {
    }

    /**
     * One row per split: accuracy % on its test set with the full-problem mask, with the split's mask, and (where
     * given, in %) from scratch. Means over the result's runs.
     */
    public static Table table(Result r, String full, List<String> splits, Map<String, Double> fromScratch) {
        Table t = Table.create(r.name() + ": test accuracy % per split",
                StringColumn.create("split"), DoubleColumn.create("full-problem mask"), DoubleColumn.create("split mask"),
                DoubleColumn.create("from scratch"));
        for (String s : splits) {
            t.stringColumn("split").append(s);
            t.doubleColumn("full-problem mask").append(round(r.accuracy(full, s)[0]));
            t.doubleColumn("split mask").append(round(r.accuracy(s, s)[0]));
            Double scratch = fromScratch.get(s);
            if (scratch == null) t.doubleColumn("from scratch").appendMissing();
            else t.doubleColumn("from scratch").append(round(scratch));
        }
        return t;
    }

    /** The table as grouped bars. */
    public static Chart chart(Table t) {
        return Plot.bars(t, "split", "full-problem mask", "split mask", "from scratch").yLabel("test accuracy %").yRange(0, 100);
    }

    private static double round(double v) {
        return Math.round(10 * v) / 10.0;
    }
}
