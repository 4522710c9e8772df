package org.modmask.train;

import org.modmask.Threads;
import org.modmask.data.BatchSampler;
import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * One training step's forward/backward pass split over copies of the model: the batch's rows in P contiguous parts,
 * part w on copy w (part 0 on the model itself), side by side, one native thread per op ({@link Threads#sideBySide}).
 * The gradient is the row-weighted mean of the parts' gradients, which is the batch's gradient exactly when the loss
 * is a mean over examples, as every model in {@code nn} has. {@link #of} checks that on the first batch (loss of the
 * whole batch against the parts' weighted mean, in evaluation mode) and declines otherwise.
 */
final class DataParallel implements AutoCloseable {
    private final Model model;
    private final List<Model> copies;
    private final ExecutorService pool;

    private DataParallel(Model model, List<Model> copies) {
        this.model = model;
        this.copies = copies;
        this.pool = Threads.pool(copies.size(), "modmask training part");
    }

    /** Null when the model cannot be copied, {@code threads < 2}, or the loss is not a mean over the batch's rows. */
    static DataParallel of(Model model, int threads, Map<String, INDArray> firstBatch) {
        int rows = rows(firstBatch);
        int p = Math.min(threads, rows);
        if (p < 2) return null;
        List<Model> copies = model.copies(p - 1);
        if (copies == null) return null;
        boolean wasTraining = model.isTraining();
        try {
            model.training(false);               // dropout off: the two losses must be comparable
            double whole = model.loss(firstBatch), parts = 0;
            for (int w = 0; w < p; w++) {
                Model m = w == 0 ? model : copies.get(w - 1);
                if (w > 0) model.copyParametersTo(m);
                int[] r = range(rows, p, w);
                parts += (double) (r[1] - r[0]) / rows * m.loss(Dataset.rowRange(firstBatch, r[0], r[1]));
            }
            if (Math.abs(whole - parts) > 1e-4 * Math.max(1, Math.abs(whole))) return null;
        } finally {
            model.training(wasTraining);
        }
        return new DataParallel(model, copies);
    }

    /**
     * The pass on a batch, as {@link Model#step} gives it: the batch's loss and gradients (in the model's own step's
     * arrays; free it as usual). {@code dropoutSeed} seeds the copies' dropout masks.
     */
    Model.Step step(Map<String, INDArray> batch, List<String> names, long dropoutSeed) {
        int rows = rows(batch), p = Math.min(copies.size() + 1, rows);
        Model.Step[] steps = new Model.Step[p];
        List<Runnable> tasks = new ArrayList<>();
        for (int w = 0; w < p; w++) {
            int ww = w;
            Model m = w == 0 ? model : copies.get(w - 1);
            if (w > 0) {
                model.copyParametersTo(m);       // the weights Adam just changed, and the mode
                m.reseed(BatchSampler.mix(dropoutSeed, w));
            }
            int[] r = range(rows, p, w);
            Map<String, INDArray> part = Dataset.rowRange(batch, r[0], r[1]);
            tasks.add(() -> steps[ww] = m.step(part, names));
        }
        try {
            Threads.sideBySide(tasks, pool);
        } catch (RuntimeException e) {
            for (Model.Step s : steps) if (s != null) s.free();
            throw e;
        }
        double loss = 0;
        for (int w = 0; w < p; w++) {
            int[] r = range(rows, p, w);
            double share = (double) (r[1] - r[0]) / rows;
            loss += share * steps[w].loss();
            for (String n : names) {
                INDArray g0 = steps[0].gradients().get(n), g = steps[w].gradients().get(n);
                if (g0 == null || g == null) continue;                 // a parameter the loss does not reach
                if (w == 0) g0.muli(share);
                else g0.addi(g.muli(share));
            }
            if (w > 0) steps[w].free();
        }
        return steps[0].withLoss(loss);
    }

    @Override
    public void close() {
        Threads.shutDown(pool);
    }

    private static int rows(Map<String, INDArray> batch) {
        return (int) batch.values().iterator().next().size(0);
    }

    /** Rows [from, to) of part w of p, the first parts one row longer when p does not divide the rows. */
    private static int[] range(int rows, int p, int w) {
        int base = rows / p, extra = rows % p;
        int from = w * base + Math.min(w, extra);
        return new int[]{from, from + base + (w < extra ? 1 : 0)};
    }

}
