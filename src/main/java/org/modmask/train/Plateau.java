package org.modmask.train;

import java.util.Properties;

/**
 * What a validation loss does to training, evaluation by evaluation, as the clustering paper's TMLR runs do it
 * (spec: ReduceLROnPlateau(factor 0.25, patience 3), EarlyStopping(patience 6), best-validation weights):
 * <ul>
 *   <li>learning rate: when more than {@code lrPatience} evaluations in a row fail to improve on the best loss by a
 *       relative 10⁻⁴ (PyTorch's default threshold), the rate is multiplied by {@code factor} and the count restarts;</li>
 *   <li>early stopping: after {@code stopPatience} evaluations in a row without a new best (any decrease counts, as in
 *       Lightning), training stops;</li>
 *   <li>{@link #update} says whether an evaluation is the best so far, for keeping the best weights.</li>
 * </ul>
 * A patience of 0 turns that part off. The state is saved with a checkpoint, so a resumed run continues it.
 */
public final class Plateau {
    private final double factor;
    private final int lrPatience, stopPatience;
    private double best = Double.POSITIVE_INFINITY, lrBest = Double.POSITIVE_INFINITY, lrScale = 1;
    private int sinceBest, sinceLrBest;
    private boolean stopped;

    public Plateau(double factor, int lrPatience, int stopPatience) {
        if (!(factor > 0 && factor <= 1)) throw new IllegalArgumentException("factor must be in (0, 1], got " + factor);
        if (lrPatience < 0 || stopPatience < 0)
            throw new IllegalArgumentException("patience must be >= 0, got " + lrPatience + " and " + stopPatience);
        this.factor = factor;
        this.lrPatience = lrPatience;
        this.stopPatience = stopPatience;
    }

    double factor() {
        return factor;
    }

    int lrPatience() {
        return lrPatience;
    }

    int stopPatience() {
        return stopPatience;
    }

    /** Takes one validation loss; true when it is the best so far. */
    public boolean update(double loss) {
        if (Double.isNaN(loss)) throw new IllegalArgumentException("validation loss is NaN");
        boolean improved = loss < best;
        if (improved) {
            best = loss;
            sinceBest = 0;
        } else sinceBest++;
        if (loss < lrBest * (1 - 1e-4)) {
            lrBest = loss;
            sinceLrBest = 0;
        } else if (lrPatience > 0 && ++sinceLrBest > lrPatience) {
            lrScale *= factor;
            sinceLrBest = 0;
        }
        if (stopPatience > 0 && sinceBest >= stopPatience) stopped = true;
        return improved;
    }

    /** The factor on the learning rate so far (1, factor, factor², …). */
    public double lrScale() {
        return lrScale;
    }

    public boolean stopped() {
        return stopped;
    }

    public double best() {
        return best;
    }

    void save(Properties p) {
        p.setProperty("plateau.best", Double.toString(best));
        p.setProperty("plateau.lrBest", Double.toString(lrBest));
        p.setProperty("plateau.lrScale", Double.toString(lrScale));
        p.setProperty("plateau.sinceBest", Integer.toString(sinceBest));
        p.setProperty("plateau.sinceLrBest", Integer.toString(sinceLrBest));
        p.setProperty("plateau.stopped", Boolean.toString(stopped));
    }

    void restore(Properties p) {
        if (p.getProperty("plateau.best") == null) return;
        best = Double.parseDouble(p.getProperty("plateau.best"));
        lrBest = Double.parseDouble(p.getProperty("plateau.lrBest"));
        lrScale = Double.parseDouble(p.getProperty("plateau.lrScale"));
        sinceBest = Integer.parseInt(p.getProperty("plateau.sinceBest"));
        sinceLrBest = Integer.parseInt(p.getProperty("plateau.sinceLrBest"));
        stopped = Boolean.parseBoolean(p.getProperty("plateau.stopped"));
    }
}
