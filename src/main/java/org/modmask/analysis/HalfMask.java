package org.modmask.analysis;

import org.modmask.data.Dataset;
import org.modmask.mask.WeightMask;
import org.modmask.nn.Model;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * The half-mask test (spec §2 item 14): apply the control mask only to the early half of the masked tensors
 * (the first ⌈n/2⌉ in name order) and leave the rest unmasked, then the reverse; report the accuracy drop in
 * points relative to the mask on all layers.
 */
public final class HalfMask {
    private HalfMask() {
    }

    public static Table table(Model model, WeightMask control, Dataset iid) {
        List<String> sorted = new ArrayList<>(control.params());
        sorted.sort(String::compareTo);
        int half = (sorted.size() + 1) / 2;
        List<String> early = sorted.subList(0, half), late = sorted.subList(half, sorted.size());
        double full = control.accuracy(model, iid);
        Table t = Table.create("half-mask test", StringColumn.create("masked"), StringColumn.create("params"),
                DoubleColumn.create("accuracy %"), DoubleColumn.create("drop %"));
        add(t, "all", control.params(), full, full);
        add(t, "early", early, control.only(early).accuracy(model, iid), full);
        if (!late.isEmpty()) add(t, "late", late, control.only(late).accuracy(model, iid), full);
        return t;
    }

    private static void add(Table t, String what, List<String> params, double acc, double full) {
        t.stringColumn("masked").append(what);
        t.stringColumn("params").append(String.join(", ", params));
        t.doubleColumn("accuracy %").append(Math.round(acc * 10000) / 100.0);
        t.doubleColumn("drop %").append(Math.round((full - acc) * 10000) / 100.0);
    }
}
