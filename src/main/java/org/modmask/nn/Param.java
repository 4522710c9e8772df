package org.modmask.nn;

import java.util.Arrays;

/**
 * One named parameter of a {@link Model}: its stable, readable name ({@code layers.0.weight}), shape and size.
 * Names follow PyTorch's module paths so that masks, checkpoints and tables can refer to them.
 */
public record Param(String name, long[] shape, long count) {
    public Param(String name, long[] shape) {
        this(name, shape.clone(), Arrays.stream(shape).reduce(1, (a, b) -> a * b));
    }

    /** True for a bias (its name contains "bias"), the parameters the paper's masks usually leave alone. */
    public boolean isBias() {
        return name.contains("bias");   // the reference filters by name, as here
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Param p && p.name.equals(name) && Arrays.equals(p.shape, shape);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }
}
