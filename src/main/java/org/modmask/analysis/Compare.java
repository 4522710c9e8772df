package org.modmask.analysis;

import org.modmask.mask.WeightMask;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * Overlap statistics between masks, per masked parameter ("layer"), as defined in §2 of the spec.
 * A weight counts as kept when its logit is {@code > 0}. Every method returns a Tablesaw table.
 */
public final class Compare {
    static {
        org.modmask.FirstUse.ensure();   // rich display under a user's own IJava kernel (the kernel package is a service)
    }

    private Compare() {
    }

    /** Kept weights per layer for each mask: columns param, then one per mask (spec §2 item 1). */
    public static Table kept(WeightMask... masks) {
        Table t = Table.create("kept weights", StringColumn.create("param"));
        for (WeightMask m : masks) t.addColumns(LongColumn.create(m.name()));
        t.addColumns(LongColumn.create("total"));
        for (String p : masks[0].params()) {
            t.stringColumn("param").append(p);
            for (WeightMask m : masks) t.longColumn(m.name()).append(m.keptCount(p));
            t.longColumn("total").append(masks[0].size(p));
        }
        return t;
    }

    /**
     * Whether masks have converged, per layer: the share of weights kept and of logits still undecided (keep
     * probability between 0.1 and 0.9), in %, three significant digits. A mask with many undecided logits has not
     * decided which weights its function needs, and its complement removes weights it may still need.
     */
    public static Table convergence(WeightMask... masks) {
        Table t = Table.create("mask convergence", StringColumn.create("mask"), StringColumn.create("param"),
                DoubleColumn.create("kept %"), DoubleColumn.create("undecided %"));
        for (WeightMask m : masks) {
            Table s = m.summary();
            for (int r = 0; r < s.rowCount(); r++) {
                t.stringColumn("mask").append(m.name());
                t.stringColumn("param").append(s.stringColumn("param").get(r));
                t.doubleColumn("kept %").append(round3(100 * s.doubleColumn("density").get(r)));
                t.doubleColumn("undecided %").append(round3(100 * s.doubleColumn("undecided").get(r)));
            }
        }
        return t;
    }

    /** Rounded to three significant digits, for tables people read. */
    public static double round3(double v) {
        if (v == 0 || !Double.isFinite(v)) return v;
        return new java.math.BigDecimal(v).round(new java.math.MathContext(3)).doubleValue();
    }

    /** IoU {@code |A∩B| / |A∪B|} and IoMin {@code |A∩B| / min(|A|,|B|)} per layer, with counts. */
    public static Table iou(WeightMask a, WeightMask b) {
        checkSame(a, b);
        Table t = Table.create("IoU " + a.name() + " vs " + b.name(), StringColumn.create("param"),
                LongColumn.create("|A|"), LongColumn.create("|B|"), LongColumn.create("|A∩B|"), LongColumn.create("|A∪B|"),
                DoubleColumn.create("iou"), DoubleColumn.create("iomin"));
        for (String p : a.params()) {
            INDArray ka = a.kept(p), kb = b.kept(p);
            long na = count(ka), nb = count(kb), inter = count(ka.mul(kb)), union = na + nb - inter;
            t.stringColumn("param").append(p);
            t.longColumn("|A|").append(na);
            t.longColumn("|B|").append(nb);
            t.longColumn("|A∩B|").append(inter);
            t.longColumn("|A∪B|").append(union);
            t.doubleColumn("iou").append(union == 0 ? Double.NaN : (double) inter / union);
            t.doubleColumn("iomin").append(Math.min(na, nb) == 0 ? Double.NaN : (double) inter / Math.min(na, nb));
        }
        return t;
    }

    /** IoU over all masked weights together (the mask-stability figure, spec §2 item 15). */
    public static double totalIou(WeightMask a, WeightMask b) {
        checkSame(a, b);
        long inter = 0, union = 0;
        for (String p : a.params()) {
            INDArray ka = a.kept(p), kb = b.kept(p);
            long i = count(ka.mul(kb));
            inter += i;
            union += count(ka) + count(kb) - i;
        }
        return union == 0 ? Double.NaN : (double) inter / union;
    }

    /**
     * Shared fraction per layer for each mask: {@code |M_s ∩ ∪_{t≠s} M_t| / |M_s|} (spec §2 item 2).
     */
    public static Table shared(WeightMask... masks) {
        Table t = Table.create("shared fraction", StringColumn.create("param"));
        for (WeightMask m : masks) t.addColumns(DoubleColumn.create(m.name()));
        for (String p : masks[0].params()) {
            t.stringColumn("param").append(p);
            for (int s = 0; s < masks.length; s++) {
                INDArray ks = masks[s].kept(p);
                INDArray others = ks.ulike().assign(0);
                for (int o = 0; o < masks.length; o++) if (o != s) others.addi(masks[o].kept(p));
                INDArray inter = ks.mul(others.gt(0).castTo(DataType.FLOAT));
                long n = count(ks);
                t.doubleColumn(masks[s].name()).append(n == 0 ? Double.NaN : (double) count(inter) / n);
            }
        }
        return t;
    }

    /** Total shared proportion {@code Σ_k |A∩B| / Σ_k |A|} over all layers (spec §2 item 5). */
    public static double totalShared(WeightMask a, WeightMask b) {
        checkSame(a, b);
        long inter = 0, na = 0;
        for (String p : a.params()) {
            INDArray ka = a.kept(p);
            inter += count(ka.mul(b.kept(p)));
            na += count(ka);
        }
        return na == 0 ? Double.NaN : (double) inter / na;
    }

    /** Remaining fraction {@code |M_s ∩ M_ref| / |M_ref|} per layer and in total (spec §2 item 13). */
    public static Table remaining(WeightMask reference, WeightMask... masks) {
        Table t = Table.create("remaining vs " + reference.name(), StringColumn.create("param"));
        for (WeightMask m : masks) {
            checkSame(reference, m);
            t.addColumns(DoubleColumn.create(m.name()));
        }
        List<String> params = new ArrayList<>(reference.params());
        params.add("total");
        long[] inter = new long[masks.length];
        long refTotal = 0;
        for (String p : params) {
            t.stringColumn("param").append(p);
            if (p.equals("total")) {
                for (int i = 0; i < masks.length; i++)
                    t.doubleColumn(masks[i].name()).append(refTotal == 0 ? Double.NaN : (double) inter[i] / refTotal);
                continue;
            }
            INDArray kr = reference.kept(p);
            long nr = count(kr);
            refTotal += nr;
            for (int i = 0; i < masks.length; i++) {
                long in = count(kr.mul(masks[i].kept(p)));
                inter[i] += in;
                t.doubleColumn(masks[i].name()).append(nr == 0 ? Double.NaN : (double) in / nr);
            }
        }
        return t;
    }

    private static long count(INDArray zeroOne) {
        return zeroOne.sumNumber().longValue();
    }

    private static void checkSame(WeightMask a, WeightMask b) {
        if (!a.params().equals(b.params()))
            throw new IllegalArgumentException("masks '" + a.name() + "' and '" + b.name() + "' cover different parameters: "
                    + a.params() + " vs " + b.params());
    }
}
