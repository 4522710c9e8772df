package org.modmask.experiment;

import org.modmask.plot.Chart;
import org.modmask.plot.Plot;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * SCAN's Figure 4(a) (spec §3.3): for each held-out split X, the accuracy on X's test set of the network under the
 * mask trained on the full problem and under the mask trained on X's own training set, next to a network trained from
 * scratch on X. Stages and views of the {@link Result} are named by split ("simple", "jump", ...).
 * <pre>{@code
 * SplitGeneralization.table(result, "simple", List.of("turn_left", "jump", "length"), Map.of("jump", 1.2, ...))
 * SplitGeneralization.combine(Map.of("LSTM", lstmTable, "Transformer", transformerTable))   // the paper's four bars
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

    /**
     * The tables of several architectures side by side, as Figure 4(a) draws them: every architecture's
     * full-problem mask, then every architecture's split mask, then the from-scratch baselines; columns are
     * prefixed with the map's keys. The tables must list the same splits in the same order.
     */
    public static Table combine(Map<String, Table> byArchitecture) {
        if (byArchitecture.isEmpty()) throw new IllegalArgumentException("no tables to combine");
        List<String> splits = null;
        String first = null;
        for (var e : byArchitecture.entrySet()) {
            List<String> s = e.getValue().stringColumn("split").asList();
            if (splits == null) {
                splits = s;
                first = e.getKey();
            } else if (!splits.equals(s))
                throw new IllegalArgumentException("the " + e.getKey() + " table has splits " + s + ", the " + first + " table " + splits);
        }
        Table t = Table.create("test accuracy % per split: " + String.join(" and ", byArchitecture.keySet()),
                StringColumn.create("split", splits));
        for (String col : List.of("full-problem mask", "split mask", "from scratch"))
            for (var e : byArchitecture.entrySet())
                t.addColumns(e.getValue().doubleColumn(col).copy().setName(e.getKey() + " " + col));
        return t;
    }

    /** The table (from {@link #table} or {@link #combine}) as grouped bars, one per numeric column. */
    public static Chart chart(Table t) {
        List<String> cols = new ArrayList<>();
        for (var c : t.columns()) if (c instanceof DoubleColumn) cols.add(c.name());
        return Plot.bars(t, "split", cols.toArray(new String[0])).yLabel("test accuracy %").yRange(0, 100);
    }

    /** Writes the table as CSV, atomically (a temporary file replaces {@code file} only once complete). */
    public static void save(Table t, Path file) {
        try {
            org.modmask.AtomicFile.write(file, out -> t.write().csv(out));
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + file, e);
        }
    }

    /** Reads a table written by {@link #save}. */
    public static Table read(Path file) {
        if (!Files.isRegularFile(file))
            throw new IllegalArgumentException("no Figure 4(a) table at " + file.toAbsolutePath() + " (run the notebook that writes it first)");
        Table t = Table.read().csv(file.toFile());
        for (String col : List.of("full-problem mask", "split mask", "from scratch"))   // an all-missing column reads as text
            if (t.columnNames().contains(col) && !(t.column(col) instanceof DoubleColumn)) {
                DoubleColumn d = DoubleColumn.create(col, t.rowCount());
                for (int r = 0; r < t.rowCount(); r++) {
                    String v = t.column(col).getString(r);
                    if (v == null || v.isBlank()) d.setMissing(r);
                    else d.set(r, Double.parseDouble(v));
                }
                t.replaceColumn(col, d);
            }
        return t.setName(file.getFileName().toString());
    }

    private static double round(double v) {
        return Math.round(10 * v) / 10.0;
    }
}
