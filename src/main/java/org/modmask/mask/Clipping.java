package org.modmask.mask;

/**
 * How mask training clips gradients (spec §1.5).
 * <ul>
 *   <li>{@link #FAITHFUL}: as the reference's {@code clip_grad_norm_} over every parameter of the masked model. The
 *   frozen weights keep accumulating their gradient {@code G} (nothing zeroes it), the norm is taken over {@code G},
 *   the current logits' gradient and the earlier stages' last logit gradients, and all of them are rescaled in place
 *   when it clips. The clip factor then acts as a per-step normalization that weakens high-loss steps; the masks come
 *   out sparser and overlap less. Needed to compare with the paper's numbers. See {@link GradientCarry}.</li>
 *   <li>{@link #LOGITS}: the clean variant, clipping the current logits' gradient alone.</li>
 * </ul>
 */
public enum Clipping {
    FAITHFUL, LOGITS;

    /** Lower case, as in settings tables and file keys. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
