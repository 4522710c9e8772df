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
    private final Init init;

    public Graph(long seed) {
        this.init = new Init(seed);
    }

    public SameDiff sd() {
        return sd;
    }

    public Init init() {
        return init;
    }

    /** Registers a trainable parameter under a stable name. */
    public SDVariable param(String name, INDArray value) {
        if (params.containsKey(name)) throw new IllegalArgumentException("duplicate parameter name '" + name + "'");
        params.put(name, new Param(name, value.shape()));
        return sd.var(name, value.castTo(DataType.FLOAT));
    }

    /** A float input the batch must provide; -1 marks the batch dimension. */
    public SDVariable input(String name, long... shape) {
        inputs.add(name);
        return sd.placeHolder(name, DataType.FLOAT, shape);
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
        return new Model(kind, sd, params, inputs, List.of(labels), loss.name(), logits.name(), metric);
    }
}
