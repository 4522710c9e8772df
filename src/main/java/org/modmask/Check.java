package org.modmask;

/**
 * Settings checked where they are set, once, with a message that names the setting and the value: a learning
 * rate of +∞ or an ε of −1 fails at the builder call, not as NaN logits or a quietly degraded run thousands of
 * steps later.
 */
public final class Check {
    private Check() {
    }

    /** A finite number > 0 (learning rates, ε, temperatures). */
    public static double positive(String setting, double v) {
        if (!(v > 0) || Double.isInfinite(v)) throw new IllegalArgumentException(setting + " must be a finite number > 0, got " + v);
        return v;
    }

    /** A finite number ≥ 0 (β, clip thresholds, weight decay). */
    public static double nonNegative(String setting, double v) {
        if (!(v >= 0) || Double.isInfinite(v)) throw new IllegalArgumentException(setting + " must be a finite number >= 0, got " + v);
        return v;
    }

    /** A finite number (initial logits). */
    public static double finite(String setting, double v) {
        if (!Double.isFinite(v)) throw new IllegalArgumentException(setting + " must be a finite number, got " + v);
        return v;
    }

    /** A number in [0, 1) (Adam's β₁ and β₂, momentum, dropout). */
    public static double fraction(String setting, double v) {
        if (!(v >= 0 && v < 1)) throw new IllegalArgumentException(setting + " must lie in [0, 1), got " + v);
        return v;
    }

    /** A count ≥ 1 that fits an array index (widths, batch sizes, samples). */
    public static int count(String setting, long v) {
        if (v < 1) throw new IllegalArgumentException(setting + " must be at least 1, got " + v);
        if (v > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(setting + " is too large for an array: " + v);
        return (int) v;
    }

    /** A matrix of rows × cols elements that one array can hold (ND4J and Java index arrays with int). */
    public static void matrix(String what, long rows, long cols) {
        if (rows > 0 && cols > 0 && rows > (Integer.MAX_VALUE - 8) / cols)
            throw new IllegalArgumentException(what + " would have " + rows + " × " + cols + " = " + Math.multiplyExact(rows, cols)
                    + " elements, more than one array holds (" + (Integer.MAX_VALUE - 8) + ")");
    }
}
