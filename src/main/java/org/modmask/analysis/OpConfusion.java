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
 * The +/× "operation confusion" (spec §2 item 8): for each validation sample, does the prediction equal the
 * sum, the product, or neither (both can match when a+b ≡ a·b mod 100)? Rows: requested operation; columns
 * +, ×, none, in % of that row's samples. Needs the columns {@code op}, {@code a}, {@code b} of
 * {@link org.modmask.data.AddMul}.
 */
public final class OpConfusion {
    private OpConfusion() {
    }

    public static Table table(Model model, WeightMask mask, Dataset valid) {
        if (mask == null) return compute(model, valid, "unmasked");
        try (var a = mask.apply(model)) {
            return compute(model, valid, mask.name());
        }
    }

    private static Table compute(Model model, Dataset valid, String title) {
        long[][] counts = new long[2][3];
        long[] rows = new long[2];
        for (int i = 0; i < valid.size(); i += 1024) {
            Map<String, INDArray> b = valid.slice(i, Math.min(valid.size(), i + 1024));
            INDArray digits = model.logits(b).reshape(-1, 2, 10).argMax(2);
            float[] op = b.get("op").dup().data().asFloat(), av = b.get("a").dup().data().asFloat(), bv = b.get("b").dup().data().asFloat();
            for (int j = 0; j < op.length; j++) {
                int pred = digits.getInt(j, 0) + 10 * digits.getInt(j, 1);
                int a = (int) av[j], bb = (int) bv[j], o = (int) op[j];
                boolean sum = pred == (a + bb) % 100, prod = pred == (a * bb) % 100;
                rows[o]++;
                if (sum) counts[o][0]++;
                if (prod) counts[o][1]++;
                if (!sum && !prod) counts[o][2]++;
            }
        }
        Table t = Table.create("operation confusion: " + title, StringColumn.create("requested"),
                DoubleColumn.create("+"), DoubleColumn.create("×"), DoubleColumn.create("none"));
        String[] names = {"+", "×"};
        for (int o = 0; o < 2; o++) {
            t.stringColumn("requested").append(names[o]);
            for (int c = 0; c < 3; c++)
                t.doubleColumn(c + 1).append(rows[o] == 0 ? Double.NaN : Math.round(10000.0 * counts[o][c] / rows[o]) / 100.0);
        }
        return t;
    }
}
