package org.modmask.nn;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.*;
import java.util.SplittableRandom;

/**
 * A network as a SameDiff graph with named parameters, named inputs, a scalar loss and an output.
 * Like a PyTorch module seen from outside: parameters can be listed, read and replaced by name, which is
 * all that training, checkpoints and weight masks need. A model never knows whether it is masked.
 */
public final class Model {
    private final String kind;
    private final SameDiff sd;
    private final LinkedHashMap<String, Param> params;
    private final List<String> inputs;
    private final List<String> labels;
    private final String lossName;
    private final String logitsName;
    private final Metric metric;
    private final LinkedHashMap<String, AuxInput> aux;
    private final SplittableRandom rng;
    /** Intermediate buffers reused between calls (see {@link BufferPool}): up to a quarter of ND4J's off-heap limit. */
    final BufferPool pool = new BufferPool(Math.min(4L << 30, Math.max(256L << 20, org.bytedeco.javacpp.Pointer.maxBytes() / 4)));
    private boolean training = false;
    private boolean gradientsBuilt = false;
    /** How the graph was built (null for a foreign graph); lets {@link Replicas} build K copies in one graph. */
    java.util.function.Function<Graph, Model> recipe;
    private Replicas replicas;
    /** The named intermediate activations (see {@link Graph#named}); empty for a foreign graph. */
    List<String> activations = List.of();
    /** Running statistics (batch normalization): updated after each training-mode step, fed as inputs. */
    final LinkedHashMap<String, State> states = new LinkedHashMap<>();

    /** A non-trainable array the graph reads, moved toward a batch statistic after each training step. */
    record State(INDArray value, String batchVariable, double momentum) {
    }

    Model(String kind, SameDiff sd, LinkedHashMap<String, Param> params, List<String> inputs, List<String> labels,
          String lossName, String logitsName, Metric metric, Map<String, AuxInput> aux, long seed) {
        this.aux = new LinkedHashMap<>(aux);
        this.rng = new SplittableRandom(seed ^ 0x5DEECE66DL);
        this.kind = kind;
        this.sd = sd;
        this.params = new LinkedHashMap<>(params);
        this.inputs = List.copyOf(inputs);
        this.labels = List.copyOf(labels);
        this.lossName = lossName;
        this.logitsName = logitsName;
        this.metric = metric;
    }

    /**
     * Wraps a SameDiff graph built elsewhere (not with {@link Graph}) so that it can be trained and masked:
     * its trainable variables become the named parameters and its placeholders the inputs a batch provides.
     *
     * @param lossName   a scalar mean loss over the batch
     * @param logitsName the output the metric reads
     * @param labels     the placeholders that are labels (not needed for a prediction)
     */
    public static Model of(String kind, SameDiff sd, String lossName, String logitsName, Metric metric, String... labels) {
        if (!sd.hasVariable(lossName)) throw new IllegalArgumentException("the graph has no variable '" + lossName + "' (the loss)");
        if (!sd.hasVariable(logitsName)) throw new IllegalArgumentException("the graph has no variable '" + logitsName + "' (the output)");
        LinkedHashMap<String, Param> params = new LinkedHashMap<>();
        List<String> inputs = new ArrayList<>();
        for (var v : sd.variables()) {
            if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.VARIABLE) params.put(v.name(), new Param(v.name(), v.getArr().shape()));
            if (v.getVariableType() == org.nd4j.autodiff.samediff.VariableType.PLACEHOLDER) inputs.add(v.name());
        }
        if (params.isEmpty()) throw new IllegalArgumentException("the graph has no trainable variable to train or mask");
        for (String l : labels)
            if (!inputs.contains(l)) throw new IllegalArgumentException("label '" + l + "' is not a placeholder of the graph; placeholders: " + inputs);
        sd.setLossVariables(lossName);
        return new Model(kind, sd, params, inputs, List.of(labels), lossName, logitsName, metric, Map.of(), 1);
    }

    /** A short description such as {@code MLP 42-400-400-200-20}. */
    public String kind() {
        return kind;
    }

    public SameDiff sameDiff() {
        return sd;
    }

    /** All parameters in definition order. */
    public List<Param> parameters() {
        return List.copyOf(params.values());
    }

    public Param param(String name) {
        Param p = params.get(name);
        if (p == null)
            throw new IllegalArgumentException("unknown parameter '" + name + "'; this " + kind + " has " + params.keySet());
        return p;
    }

    public boolean hasParam(String name) {
        return params.containsKey(name);
    }

    /** Total number of scalar parameters. */
    public long size() {
        return params.values().stream().mapToLong(Param::count).sum();
    }

    /** The parameters as a table: name, shape, count. */
    public Table parameterTable() {
        Table t = Table.create(kind + " parameters", StringColumn.create("name"), StringColumn.create("shape"), LongColumn.create("count"));
        for (Param p : params.values()) {
            t.stringColumn("name").append(p.name());
            t.stringColumn("shape").append(Arrays.toString(p.shape()));
            t.longColumn("count").append(p.count());
        }
        return t;
    }

    /** The array that holds a parameter's values (the live buffer, not a copy). */
    public INDArray get(String name) {
        param(name);
        return sd.getArrForVarName(name);
    }

    /**
     * Copies values into a parameter's array (SameDiff keeps one buffer per variable, so values are always
     * copied in, never re-bound); the shape must match.
     */
    public void set(String name, INDArray value) {
        Param p = param(name);
        if (!Arrays.equals(p.shape(), value.shape()))
            throw new IllegalArgumentException("parameter '" + name + "' has shape " + Arrays.toString(p.shape())
                    + ", got " + Arrays.toString(value.shape()));
        get(name).assign(value);
    }

    /** A deep copy of all parameter values, by name, and of the running statistics (e.g. batch normalization's). */
    public LinkedHashMap<String, INDArray> snapshot() {
        LinkedHashMap<String, INDArray> m = new LinkedHashMap<>();
        for (String n : params.keySet()) m.put(n, get(n).dup());
        states.forEach((n, st) -> m.put(n, st.value().dup()));
        return m;
    }

    /** The names of the running statistics (not trainable, not masked), e.g. {@code bn1.running_mean}. */
    public List<String> stateNames() {
        return List.copyOf(states.keySet());
    }

    /** Copies values into the bound arrays (in place). */
    public void load(Map<String, INDArray> values) {
        for (var e : values.entrySet()) {
            State st = states.get(e.getKey());
            if (st != null) {
                if (!Arrays.equals(st.value().shape(), e.getValue().shape()))
                    throw new IllegalArgumentException("state '" + e.getKey() + "' has shape " + Arrays.toString(st.value().shape())
                            + ", the values have " + Arrays.toString(e.getValue().shape()));
                st.value().assign(e.getValue());
                continue;
            }
            Param p = param(e.getKey());
            if (!Arrays.equals(p.shape(), e.getValue().shape()))
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' has shape " + Arrays.toString(p.shape())
                        + ", the values have " + Arrays.toString(e.getValue().shape()));
            get(e.getKey()).assign(e.getValue());
        }
    }

    /**
     * Training mode turns dropout on; evaluation mode (the default, and what mask training uses, as the paper
     * does) turns it off. {@link org.modmask.train.Train} switches to training mode while it runs.
     */
    public Model training(boolean on) {
        training = on;
        return this;
    }

    public boolean isTraining() {
        return training;
    }

    /**
     * Whether training mode draws dropout masks (the default). Off, the model keeps every other training-mode
     * behaviour (the SCAN LSTM's random teacher forcing) with every dropout rate at 0: how the reference trains the
     * SCAN LSTM's masks (spec §1.5).
     */
    public Model dropout(boolean on) {
        dropout = on;
        return this;
    }

    public boolean dropoutOn() {
        return dropout;
    }

    private boolean dropout = true;

    /** Reseeds the generator of dropout masks (a resumed run reseeds per step). */
    public void reseed(long seed) {
        rngRef = new SplittableRandom(seed);
    }

    private SplittableRandom rngRef;

    /** Names of the inputs a batch must provide (features and labels). */
    public List<String> inputs() {
        return inputs;
    }

    public List<String> labels() {
        return labels;
    }

    public Metric metric() {
        return metric;
    }

    public String lossName() {
        return lossName;
    }

    public String logitsName() {
        return logitsName;
    }

    /**
     * What the graph's placeholders receive for a batch: its inputs plus the model-made ones (dropout masks,
     * positions), in the current mode. For analyses that run the graph themselves.
     */
    public Map<String, INDArray> feed(Map<String, INDArray> batch, boolean withLabels) {
        return placeholders(batch, withLabels);
    }

    /** The model's output for a batch. */
    public INDArray logits(Map<String, INDArray> batch) {
        Map<String, INDArray> ph = placeholders(batch, false);
        return pool.around(sd, () -> sd.output(ph, logitsName).get(logitsName), List::of);
    }

    /**
     * The names of the model's intermediate activations, in graph order, ending with "logits": the hidden layers of an
     * MLP ({@code hidden.0}, …), the convolution blocks of a CNN ({@code conv.0.out}, …).
     */
    public List<String> activationNames() {
        return activations;
    }

    /** The values of any of the graph's variables (activations by name) for a batch, in the current mode. */
    public Map<String, INDArray> outputs(Map<String, INDArray> batch, Collection<String> names) {
        for (String n : names)
            if (!sd.hasVariable(n)) throw new IllegalArgumentException("the graph has no variable '" + n + "'; its named activations: " + activations);
        Map<String, INDArray> ph = placeholders(batch, false);
        String[] outs = names.toArray(String[]::new);
        return pool.around(sd, () -> sd.output(ph, outs), Map::values);
    }

    /**
     * Frees the intermediate buffers this model keeps between calls (up to a quarter of ND4J's off-heap limit each,
     * and not seen by the garbage collector); the next call allocates afresh. For a notebook that makes many models:
     * call it when done with one.
     */
    public void freeBuffers() {
        pool.close();
    }

    /** The mean loss on a batch. */
    public double loss(Map<String, INDArray> batch) {
        Map<String, INDArray> ph = placeholders(batch, true);
        return pool.around(sd, () -> sd.output(ph, lossName).get(lossName), List::of).getDouble(0);
    }

    /** Loss, logits and the gradient of the loss with respect to the named parameters, in one pass. */
    public Step step(Map<String, INDArray> batch, Collection<String> paramNames) {
        for (String n : paramNames) param(n);
        Map<String, INDArray> ph = placeholders(batch, true);
        List<String> outs = new ArrayList<>(List.of(lossName));
        boolean update = training && !states.isEmpty();
        if (update) states.values().forEach(st -> outs.add(st.batchVariable()));
        OutAndGrad og;
        Map<INDArray, String> keys = new IdentityHashMap<>();      // pool keys of the returned arrays, for Step.free
        if (gradientsBuilt) og = pool.around(sd, () -> sd.calculateGradientsAndOutputs(ph, outs, paramNames), Model::arrays, keys);
        else {   // only the first call builds the gradient graph, which SameDiff announces on stdout
            og = Quiet.stdout(() -> sd.calculateGradientsAndOutputs(ph, outs, paramNames));
            gradientsBuilt = true;
        }
        double loss = og.getOutputs().get(lossName).getDouble(0);
        if (!Double.isFinite(loss))
            throw new ArithmeticException("the loss of " + kind + " is " + loss + " (expected a finite number)");
        if (update)        // running = (1 − m)·running + m·batch statistic, as PyTorch's batch normalization
            for (State st : states.values())
                st.value().muli(1 - st.momentum()).addi(og.getOutputs().get(st.batchVariable()).castTo(st.value().dataType()).mul(st.momentum()));
        return new Step(loss, og.getGradients(), pool, keys);
    }

    static Collection<INDArray> arrays(OutAndGrad og) {
        List<INDArray> all = new ArrayList<>(og.getOutputs().values());
        all.addAll(og.getGradients().values());
        return all;
    }

    /** The result of one forward/backward pass: the mean loss and the gradients by parameter name. */
    public static final class Step {
        private final double loss;
        private final Map<String, INDArray> gradients;
        private final BufferPool pool;
        private final Map<INDArray, String> poolKeys;

        public Step(double loss, Map<String, INDArray> gradients) {
            this(loss, gradients, null, Map.of());
        }

        Step(double loss, Map<String, INDArray> gradients, BufferPool pool, Map<INDArray, String> poolKeys) {
            this.loss = loss;
            this.gradients = gradients;
            this.pool = pool;
            this.poolKeys = poolKeys;
        }

        public double loss() {
            return loss;
        }

        public Map<String, INDArray> gradients() {
            return gradients;
        }

        /** A step with the same gradients and another loss (free only one of the two). */
        public Step withLoss(double loss) {
            return new Step(loss, gradients, pool, poolKeys);
        }

        /**
         * Releases the gradients' memory at once; the arrays must not be used afterwards. Gradients of a model's
         * own graph go back to its buffer pool for the next step (a 2000 × 2000 gradient would otherwise take 16 MB
         * of freshly zeroed pages from the kernel every call); others are closed (ND4J would free them only when
         * the garbage collector finds the arrays, and a long loop can pile up gigabytes before that).
         */
        public void free() {
            for (INDArray g : gradients.values()) {
                if (g == null || (pool != null && pool.recycle(g, poolKeys.get(g)))) continue;   // no key: not the pool's
                if (g.closeable()) g.close();
            }
        }
    }

    /**
     * K copies of this model in one graph, each with its own copy of every parameter and its own inputs, so that
     * K chunks of a batch with K different weights run in one SameDiff call (the mask's K samples). Null for a
     * model wrapped with {@link #of} (its graph cannot be rebuilt). Built once per K and kept.
     */
    public Replicas replicas(int k) {
        if (recipe == null || k < 2 || !states.isEmpty()) return null;   // copies would not share the running statistics
        if (replicas == null || replicas.count() != k) replicas = new Replicas(this, k);
        return replicas;
    }

    /**
     * Whether {@link org.modmask.train.Train} splits each batch over copies of this model by default (its
     * {@code threads} setting): on for models whose ops are too small to keep every core busy, where parts side by
     * side, each op on one thread, beat one pass with every op split over the cores (measured so for the simple CNN
     * and the arithmetic LSTM, which turn it on); off otherwise.
     */
    public boolean splitsBatches() {
        return splitBatches;
    }

    /** Sets {@link #splitsBatches()}. */
    public Model splitBatches(boolean on) {
        splitBatches = on;
        return this;
    }

    private boolean splitBatches;

    /**
     * {@code n} independent copies of this model (each its own graph, buffers and buffer pool), for running mask
     * samples or parts of a batch on several threads at once; built on first use and kept. Null for a model wrapped with
     * {@link #of} (its graph cannot be rebuilt) or one with running statistics. A copy's parameters are not kept
     * in step with this model's: {@link #copyParametersTo} copies them.
     */
    public List<Model> copies(int n) {
        if (recipe == null || !states.isEmpty()) return null;
        while (copies.size() < n) {
            Graph g = new Graph(0, get(parameters().get(0).name()).dataType());
            Model c = recipe.apply(g);
            c.recipe = recipe;
            copies.add(c);
        }
        return copies.subList(0, n);
    }

    private final List<Model> copies = new ArrayList<>();

    /** Copies every parameter value and the mode (training or evaluation, dropout on or off) of this model into another of the same kind. */
    public void copyParametersTo(Model other) {
        for (String n : params.keySet()) other.get(n).assign(get(n));
        other.training(training);
        other.dropout(dropout);
    }

    /** The model-made inputs (dropout masks, positions, ...) for one batch, in this model's mode and RNG. */
    Map<String, INDArray> auxInputs(Map<String, INDArray> batch) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        SplittableRandom r = rngRef != null ? rngRef : rng;
        for (var e : aux.entrySet()) {
            boolean on = training && (dropout || !e.getKey().startsWith(Graph.DROPOUT));
            out.put(e.getKey(), e.getValue().make(batch, on, r));
        }
        return out;
    }

    /**
     * A batch array against its placeholder's declared shape (−1: any size), before the native op runs: a mismatch
     * there reports only "Op matmul … error from c++" with the cause on stderr.
     */
    private void checkShape(String in, INDArray a) {
        long[] declared = sd.getVariable(in).getShape();
        if (declared == null) return;
        boolean ok = declared.length == a.rank();
        for (int i = 0; ok && i < declared.length; i++) ok = declared[i] < 0 || declared[i] == a.size(i);
        if (!ok)
            throw new IllegalArgumentException("input '" + in + "' of " + kind + " has shape " + java.util.Arrays.toString(a.shape())
                    + ", the model takes " + java.util.Arrays.toString(declared).replace("-1", "any"));
    }

    private Map<String, INDArray> placeholders(Map<String, INDArray> batch, boolean withLabels) {
        Map<String, INDArray> ph = new HashMap<>();
        for (String in : inputs) {
            if (!withLabels && labels.contains(in)) continue;
            INDArray a = batch.get(in);
            if (a == null)
                throw new IllegalArgumentException("the batch lacks input '" + in + "' needed by " + kind + "; it has " + batch.keySet());
            checkShape(in, a);
            ph.put(in, a);
        }
        ph.putAll(auxInputs(batch));
        return ph;
    }

    @Override
    public String toString() {
        return kind + " (" + params.size() + " parameter tensors, " + size() + " weights)";
    }
}
