package org.modmask.nn;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * Builder of a {@link Model}: a SameDiff graph plus the registry of its named parameters and inputs.
 * Layers ({@link Linear}, {@link Lstm}, ...) are static functions that take a Graph and a name prefix.
 */
public final class Graph {
    final SameDiff sd = SameDiff.create();
    final LinkedHashMap<String, Param> params = new LinkedHashMap<>();
    final List<String> inputs = new ArrayList<>();
    final LinkedHashMap<String, AuxInput> aux = new LinkedHashMap<>();
    /** The intermediate activations given names with {@link #named} (not the loss), in graph order. */
    final List<String> activations = new ArrayList<>();
    private final Init init;
    private final DataType dataType;
    private final long seed;
    /** Appended to every variable name while a replica is built (see {@link Replicas}); empty otherwise. */
    String suffix = "";

    public Graph(long seed) {
        this(seed, DataType.FLOAT);
    }

    /** A graph computing in the given precision (DOUBLE for gradient checks). */
    public Graph(long seed, DataType dataType) {
        this.init = new Init(seed);
        this.dataType = dataType;
        this.seed = seed;
    }

    public DataType dataType() {
        return dataType;
    }

    public SameDiff sd() {
        return sd;
    }

    public Init init() {
        return init;
    }

    /**
     * A model built by {@code recipe} on a new graph; the model keeps the recipe so that {@link Replicas} can
     * build K copies of it in one graph (one SameDiff call per mask step instead of K).
     */
    public static Model make(long seed, java.util.function.Function<Graph, Model> recipe) {
        Graph g = new Graph(seed);
        Model m = recipe.apply(g);
        m.recipe = recipe;
        return m;
    }

    /**
     * max(x, 0), written as x · [x > 0]: same values and gradient as SameDiff's relu, whose backward pass in M2.1
     * (thresholdedrelu_bp, a per-element std::function) took 23 of a simple-CNN step's 148 ms; an element-wise product
     * and a comparison are plain vectorized loops.
     */
    public SDVariable relu(SDVariable x) {
        return x.mul(sd.gt(x, 0.0).castTo(x.dataType()));
    }

    /**
     * Gives a variable its stable name ("hidden.0", "logits", "loss"); replicas get a suffix. Every named variable
     * but the loss is an activation that {@link Model#activationNames()} lists and {@code Activations} reads.
     */
    public SDVariable named(SDVariable v, String name) {
        if (suffix.isEmpty() && !name.equals("loss")) activations.add(name);
        return v.rename(name + suffix);
    }

    /** Registers a trainable parameter under a stable name. */
    public SDVariable param(String name, INDArray value) {
        name = name + suffix;
        if (params.containsKey(name)) throw new IllegalArgumentException("duplicate parameter name '" + name + "'");
        params.put(name, new Param(name, value.shape()));
        return sd.var(name, value.castTo(dataType));
    }

    private final LinkedHashMap<String, Model.State> states = new LinkedHashMap<>();

    /**
     * A running statistic: an array the graph reads as an input, which every training-mode step moves toward the
     * value of {@code batchValue}: {@code state = (1 − momentum)·state + momentum·batchValue}. Not trainable, not
     * masked; saved with the parameters in checkpoints.
     */
    public SDVariable state(String name, INDArray initial, SDVariable batchValue, double momentum) {
        INDArray value = initial.castTo(dataType).dup();
        SDVariable v = aux(name, (b, t, r) -> value, initial.shape());
        SDVariable out = batchValue.rename("batch." + name + suffix);
        states.put(name + suffix, new Model.State(value, out.name(), momentum));
        return v;
    }

    /** An input the model makes for itself from each batch (see {@link AuxInput}). */
    public SDVariable aux(String name, AuxInput make, long... shape) {
        name = name + suffix;
        if (aux.containsKey(name)) throw new IllegalArgumentException("duplicate model input '" + name + "'");
        aux.put(name, make);
        return sd.placeHolder(name, dataType, shape.length == 0 ? null : shape);
    }

    /** The prefix of dropout masks' input names ({@link Model#dropout} switches them off in training mode). */
    static final String DROPOUT = "dropout.";

    /**
     * Inverted dropout with rate {@code p} on {@code x} (shape [-1, rest...]): in training, x ⊙ Bernoulli(1−p)/(1−p);
     * in evaluation, x. A rate of 0 adds nothing to the graph.
     */
    public SDVariable dropout(String name, SDVariable x, double p, long... shapeAfterBatch) {
        return dropout(name, x, p, batch -> {
            long[] shape = new long[shapeAfterBatch.length + 1];
            shape[0] = batch.values().iterator().next().size(0);
            System.arraycopy(shapeAfterBatch, 0, shape, 1, shapeAfterBatch.length);
            return shape;
        });
    }

    /** Dropout on a tensor whose full shape the batch determines (e.g. [B, heads, T, S]). */
    public SDVariable dropout(String name, SDVariable x, double p, java.util.function.Function<java.util.Map<String, INDArray>, long[]> shapeOf) {
        if (p < 0 || p >= 1) throw new IllegalArgumentException("dropout rate must be in [0, 1), got " + p + " for " + name);
        if (p == 0) return x;
        final DataType dt = dataType;
        SDVariable mask = aux(DROPOUT + name, (batch, training, rng) -> {
            long[] shape = shapeOf.apply(batch);
            if (!training) return org.nd4j.linalg.factory.Nd4j.ones(dt, shape);
            long n = 1;
            for (long v : shape) n *= v;
            float[] m = new float[(int) n];
            float keep = (float) (1 / (1 - p));
            for (int i = 0; i < m.length; i++) m[i] = rng.nextDouble() < p ? 0f : keep;
            return org.nd4j.linalg.factory.Nd4j.create(m, shape, 'c').castTo(dt);
        });
        return x.mul(mask);
    }

    private static long[] prepend(long first, long[] rest) {
        long[] r = new long[rest.length + 1];
        r[0] = first;
        System.arraycopy(rest, 0, r, 1, rest.length);
        return r;
    }

    /** A float input the batch must provide; -1 marks the batch dimension. */
    public SDVariable input(String name, long... shape) {
        inputs.add(name + suffix);
        return sd.placeHolder(name + suffix, dataType, shape);
    }

    /**
     * Finishes the model.
     *
     * @param loss   scalar mean loss over the batch
     * @param logits the output the metric reads
     * @param metric how to count correct samples
     * @param labels the inputs that are labels (needed for the loss, not for a prediction)
     */
    public Model build(String kind, SDVariable loss, SDVariable logits, Metric metric, String... labels) {
        sd.setLossVariables(loss);
        Model m = new Model(kind, sd, params, inputs, List.of(labels), loss.name(), logits.name(), metric, aux, seed);
        m.states.putAll(states);
        m.activations = List.copyOf(activations);
        return m;
    }
}
