package org.modmask.experiment;

import org.modmask.mask.WeightMask;
import org.modmask.plot.Chart;
import org.modmask.plot.Plot;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

/**
 * Spec §2 item 12 (SCAN, Figure 4b): for an output layer whose weight rows belong to output tokens ([tokens, hidden],
 * PyTorch's layout), the share of each row's weights that the full-problem mask keeps and the split mask removes,
 * {@code |M_full(row) ∩ ¬M_split(row)| / |M_full(row)| × 100}.
 * <pre>{@code
 * RemovedPerToken.table(simpleMask, jumpMask, "output_projection.weight", List.of("I_TURN_LEFT", …, "EOS"))
 * }</pre>
 */
public final class RemovedPerToken {
    private RemovedPerToken() {
    }

    public static Table table(WeightMask full, WeightMask split, String param, List<String> tokens) {
        INDArray a = full.kept(param).castTo(DataType.FLOAT), b = split.kept(param).castTo(DataType.FLOAT);
        if (a.rank() != 2 || a.size(0) != tokens.size())
            throw new IllegalArgumentException("'" + param + "' has shape " + java.util.Arrays.toString(a.shape()) + "; expected "
                    + tokens.size() + " rows, one per token " + tokens);
        INDArray removed = a.mul(b.rsub(1));
        Table t = Table.create("weights of each output token removed by '" + split.name() + "' (of those '" + full.name() + "' keeps)",
                StringColumn.create("token"), LongColumn.create("kept by " + full.name()), DoubleColumn.create("removed %"));
        for (int r = 0; r < tokens.size(); r++) {
            long kept = a.getRow(r).sumNumber().longValue(), gone = removed.getRow(r).sumNumber().longValue();
            t.stringColumn(0).append(tokens.get(r));
            t.longColumn(1).append(kept);
            t.doubleColumn(2).append(kept == 0 ? Double.NaN : Math.round(1000.0 * gone / kept) / 10.0);
        }
        return t;
    }

    /** The removed % per token as bars (Figure 4b). */
    public static Chart chart(WeightMask full, WeightMask split, String param, List<String> tokens) {
        Table t = table(full, split, param, tokens);
        return Plot.bars(t, "token", "removed %").title(t.name()).yLabel("removed %").yRange(0, 100);
    }

    /** Writes a {@link #table} (atomically) for another notebook to read: 09 draws both networks' Figure 4(b). */
    public static void save(Table t, java.nio.file.Path file) {
        try {
            org.modmask.AtomicFile.write(file, out -> t.write().csv(out));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not write " + file, e);
        }
    }

    /** Reads a table written by {@link #save}. */
    public static Table read(java.nio.file.Path file) {
        if (!java.nio.file.Files.isRegularFile(file))
            throw new IllegalArgumentException("no Figure 4(b) table at " + file.toAbsolutePath() + " (run the notebook that writes it first)");
        Table t = Table.read().csv(file.toFile());
        if (!t.columnNames().contains("token") || !t.columnNames().contains("removed %"))
            throw new IllegalArgumentException(file + " is not a Figure 4(b) table: its columns are " + t.columnNames());
        return t;
    }

    /**
     * Several networks' {@link #table}s side by side: one row per token (the first table's order), one "removed %" column
     * per network (named by the map's keys); a token a network lacks reads as missing.
     */
    public static Table combine(java.util.Map<String, Table> byNetwork) {
        if (byNetwork.isEmpty()) throw new IllegalArgumentException("no tables to combine");
        Table first = byNetwork.values().iterator().next();
        Table out = Table.create("Figure 4(b): weights of each output token removed by the jump mask, %", StringColumn.create("token"));
        for (int r = 0; r < first.rowCount(); r++) out.stringColumn(0).append(first.stringColumn("token").get(r));
        byNetwork.forEach((network, t) -> {
            DoubleColumn c = DoubleColumn.create(network);
            java.util.Map<String, Double> byToken = new java.util.HashMap<>();
            for (int r = 0; r < t.rowCount(); r++) byToken.put(t.stringColumn("token").get(r), t.numberColumn("removed %").getDouble(r));
            for (int r = 0; r < out.rowCount(); r++) c.append(byToken.getOrDefault(out.stringColumn(0).get(r), Double.NaN));
            out.addColumns(c);
        });
        return out;
    }

    /** A {@link #combine}d table as grouped bars, one colour per network. */
    public static Chart chart(Table combined) {
        String[] networks = combined.columnNames().subList(1, combined.columnCount()).toArray(String[]::new);
        return Plot.bars(combined, "token", networks).title(combined.name()).yLabel("removed %").yRange(0, 100);
    }
}
