package org.modmask.analysis;

import org.modmask.data.Dataset;
import org.modmask.mask.WeightMask;
import org.modmask.nn.Model;
import org.modmask.train.Eval;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Accuracy of a model under several masks on several datasets, as one table (rows: masks). */
public final class Accuracy {
    private Accuracy() {
    }

    /**
     * @param masks the masks to apply one at a time; {@code null} entries mean "no mask" (row "unmasked")
     * @return columns {@code mask}, then one column per dataset with the accuracy in [0, 1]
     */
    public static Table table(Model model, WeightMask[] masks, Dataset... datasets) {
        Table t = Table.create("accuracy", StringColumn.create("mask"));
        for (Dataset d : datasets) t.addColumns(DoubleColumn.create(d.name()));
        for (WeightMask m : masks) {
            t.stringColumn("mask").append(m == null ? "unmasked" : m.name());
            for (Dataset d : datasets)
                t.doubleColumn(d.name()).append(m == null ? Eval.accuracy(model, d) : m.accuracy(model, d));
        }
        return t;
    }
}
