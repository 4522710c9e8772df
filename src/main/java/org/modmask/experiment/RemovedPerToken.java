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
}
