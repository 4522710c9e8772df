package org.modmask.analysis;

import org.modmask.nn.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Zero- or mean-ablation of units, one line each. Like a mask, it re-parametrizes the named layer that makes the units
 * from the outside ({@code layer.weight} rows and {@code layer.bias} entries: a unit's incoming weights become 0 and
 * its bias 0 or the unit's mean) and {@link #close()} restores the originals bit for bit. For the units of a ReLU
 * after a linear or convolution layer (with max pooling or not) this is exact: the unit outputs 0, or its mean, on
 * every input. Layers and their activations: an MLP's {@code layers.i} makes {@code hidden.i}, a CNN's {@code conv.i}
 * makes {@code conv.i.out}.
 * <pre>{@code
 * try (var off = Ablation.zero(model, "layers.1", 3, 17)) {
 *     Eval.accuracy(model, test);                                  // the network without units 3 and 17
 * }
 * double[] means = Activations.of(model, train, 1000).means("hidden.1");
 * try (var avg = Ablation.mean(model, "layers.1", means, 3, 17)) { … }
 * }</pre>
 */
public final class Ablation implements AutoCloseable {
    private final Model model;
    private final Map<String, INDArray> original = new LinkedHashMap<>();
    private boolean closed;

    private Ablation(Model model) {
        this.model = model;
    }

    /** Sets the given units of {@code layer} to output 0. */
    public static Ablation zero(Model model, String layer, int... units) {
        return ablate(model, layer, null, units);
    }

    /**
     * Sets the given units of {@code layer} to output their mean: {@code means[u]} is unit u's mean activation
     * ({@link Activations#means}), which must be ≥ 0 (a ReLU's output).
     */
    public static Ablation mean(Model model, String layer, double[] means, int... units) {
        for (int u : units)
            if (u >= 0 && u < means.length && means[u] < 0)
                throw new IllegalArgumentException("unit " + u + " of '" + layer + "' has mean " + means[u]
                        + " < 0: a mean-ablation through the bias is exact only for ReLU units, whose mean is ≥ 0");
        return ablate(model, layer, means, units);
    }

    private static Ablation ablate(Model model, String layer, double[] means, int[] units) {
        String w = layer + ".weight", b = layer + ".bias";
        if (!model.hasParam(w) || !model.hasParam(b))
            throw new IllegalArgumentException("'" + layer + "' is not a layer with a weight and a bias in this " + model.kind()
                    + "; its parameters: " + model.parameters());
        long n = model.param(w).shape()[0];
        if (units.length == 0) throw new IllegalArgumentException("name at least one unit of '" + layer + "' to ablate");
        for (int u : units)
            if (u < 0 || u >= n) throw new IllegalArgumentException("unit " + u + " is outside '" + layer + "', which has " + n + " units (0–" + (n - 1) + ")");
        if (means != null && means.length != n)
            throw new IllegalArgumentException("'" + layer + "' has " + n + " units, got " + means.length + " means");
        Ablation a = new Ablation(model);
        INDArray weight = model.get(w).dup(), bias = model.get(b).dup();
        a.original.put(w, model.get(w).dup());
        a.original.put(b, model.get(b).dup());
        for (int u : units) {
            weight.get(NDArrayIndex.point(u)).assign(0);
            bias.putScalar(u, means == null ? 0 : means[u]);
        }
        model.set(w, weight);
        model.set(b, bias);
        return a;
    }

    /** Puts the original weights and biases back. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        original.forEach(model::set);
    }

    @Override
    public String toString() {
        return "Ablation of " + Arrays.toString(original.keySet().toArray()) + (closed ? " (restored)" : "");
    }
}
