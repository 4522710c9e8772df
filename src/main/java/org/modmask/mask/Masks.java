package org.modmask.mask;

import org.modmask.data.BatchSampler;
import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.nn.Param;
import org.modmask.nn.Replicas;
import org.modmask.train.Adam;
import org.modmask.train.Progress;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.UniformDistribution;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.*;
import java.util.function.Predicate;

/**
 * Trains differentiable weight masks on a frozen model (Csordás et al., ICLR 2021, §1 of the spec).
 * <p>Per step: the batch is split into {@code K} contiguous chunks; chunk {@code k} sees its own mask sample
 * {@code b = 1[l + log u − log(1−u) > 0]} (logistic noise, temperature 1), applied as {@code W ⊙ b}. The
 * straight-through gradient of a logit is {@code Σ_k ∂L/∂W_eff ⊙ W ⊙ s(1−s)} with {@code s = σ(l + noise)},
 * plus the regularizer's {@code β / batchSize}. The logits have their own Adam; gradients are clipped by
 * global norm, by default as the reference does it ({@link Clipping#FAITHFUL}: the frozen weights' accumulated
 * gradient counts in the norm, see {@link GradientCarry}). The frozen weights are restored bit for bit when training
 * ends (also on an exception). To carry the clipping state from stage to stage of a run as the reference does, give
 * the stages one {@link GradientCarry} ({@link #carry(GradientCarry)}); without one, every {@link #train} starts
 * from {@code G = 0} and depends only on the settings and the data.
 * <pre>{@code
 * Masks masks = Masks.of(net).beta(1e-4).steps(10_000);    // logit init 2, K = 4, lr 1e-2
 * WeightMask plus = masks.train(task.only(Op.ADD));
 * }</pre>
 */
public final class Masks {
    static {
        org.modmask.FirstUse.ensure();   // rich display under a user's own IJava kernel (the kernel package is a service)
    }

    private final Model model;
    private Predicate<Param> filter;
    private boolean maskBiases = false;
    private org.modmask.Provenance clock;        // the current training's, for the manifests it saves
    private double beta = 1e-4;
    private double lr = 1e-2;
    private long steps = 10_000;
    private int k = 4;
    private double init = 2.0;
    private int batchSize = 128;
    private Integer regBatchSize;
    private double clip = 1.0;
    private Clipping clipping = Clipping.FAITHFUL;
    private GradientCarry carry;
    private java.nio.file.Path checkpoint;
    private java.time.Duration checkpointEvery = java.time.Duration.ofMinutes(2);
    long stopAt = -1;                 // tests: behave as if interrupted at this step
    private long seed = 1234;
    private long noiseSeed = 42;
    private NoiseSource noise;
    private boolean replicate = false;
    private int threads;                              // 0: automatic (see threads(int))
    /** The largest model whose mask samples run side by side by default. */
    static final long SIDE_BY_SIDE_MAX_WEIGHTS = 4_000_000;
    private Set<String> frozen = Set.of();
    private String watched;
    private int watchCount;
    private tech.tablesaw.api.Table trace;

    /** Supplies the uniforms {@code u ∈ (0,1)} of the logistic noise (for tests; default: seeded native RNG). */
    @FunctionalInterface
    public interface NoiseSource {
        void fill(INDArray u, long step, int sample, int tensor);
    }

    private Masks(Model model) {
        this.model = model;
    }

    /** Masks for a model, with the paper's defaults. */
    public static Masks of(Model model) {
        return new Masks(model);
    }

    /** The paper's default selection: every parameter but embeddings, and biases only if {@link #maskBiases}. */
    public static boolean defaultFilter(Param p, boolean maskBiases) {
        if (p.name().contains("embedding")) return false;
        return maskBiases || !p.isBias();
    }

    /** Masks exactly these parameters. */
    public Masks params(String... names) {
        return params(List.of(names));
    }

    public Masks params(Collection<String> names) {
        if (names.isEmpty()) throw new IllegalArgumentException("the mask selection is empty; give at least one parameter of " + model.kind());
        for (String n : names) model.param(n);
        Set<String> s = new LinkedHashSet<>(names);
        filter = p -> s.contains(p.name());
        return this;
    }

    /** Masks the parameters that pass a test. */
    public Masks filter(Predicate<Param> f) {
        filter = f;
        return this;
    }

    public Masks maskBiases(boolean b) {
        maskBiases = b;
        return this;
    }

    /** Regularization strength β (the spec's {@code mask_loss_weight}); the penalty is (β / batch size)·Σ logits. */
    public Masks beta(double b) {
        beta = org.modmask.Check.nonNegative("beta", b);
        return this;
    }

    public Masks lr(double v) {
        lr = org.modmask.Check.positive("mask learning rate", v);
        return this;
    }

    public Masks steps(long s) {
        if (s < 0) throw new IllegalArgumentException("steps must be >= 0, got " + s);
        steps = s;
        return this;
    }

    /** Mask samples per batch, K; the batch size must be divisible by it. */
    public Masks samples(int kk) {
        k = org.modmask.Check.count("K (mask samples per batch)", kk);
        return this;
    }

    public Masks init(double logit) {
        init = org.modmask.Check.finite("initial logit", logit);
        return this;
    }

    /** The mask batch size; K must divide it (checked when training starts, so the two may be set in any order). */
    public Masks batchSize(int b) {
        batchSize = org.modmask.Check.count("mask batch size", b);
        return this;
    }

    /** The batch size that normalizes β (the base-training batch size; defaults to the mask batch size). */
    public Masks regularizerBatchSize(int b) {
        regBatchSize = org.modmask.Check.count("regularizer batch size", b);
        return this;
    }

    /** Global-norm clipping of the logit gradients; 0 disables. */
    public Masks clip(double c) {
        clip = org.modmask.Check.nonNegative("mask clip", c);
        return this;
    }

    /**
     * Which gradients the clip's norm covers and rescales (default {@link Clipping#FAITHFUL}, the reference's; the
     * clean {@link Clipping#LOGITS} clips the logit gradient alone).
     */
    public Masks clipping(Clipping c) {
        clipping = Objects.requireNonNull(c, "clipping");
        return this;
    }

    public Clipping clipping() {
        return clipping;
    }

    /**
     * The faithful clipping's state to continue from and to update: the base network's last gradient
     * ({@link GradientCarry#fromBase}) and whatever earlier stages of the same run left in it. Without one, every
     * {@link #train} starts from {@link GradientCarry#empty()}.
     */
    public Masks carry(GradientCarry c) {
        carry = Objects.requireNonNull(c, "carry");
        return this;
    }

    /** The faithful clipping's state given to {@link #carry(GradientCarry)}, or null. */
    public GradientCarry carry() {
        return carry;
    }

    /** Seed of the batch order (the reference uses the same order for every stage). */
    public Masks seed(long s) {
        seed = s;
        return this;
    }

    /** Seed of the mask noise. */
    public Masks noiseSeed(long s) {
        noiseSeed = s;
        return this;
    }

    /**
     * Whether the K samples of a step run as K copies of the model in one SameDiff call (models built with
     * {@link org.modmask.nn.Graph#make}) instead of K calls on the model (the default); the results are the same.
     * Off by default: {@code bench/run} measured it slower and far bigger in memory on the LSTM and Transformer
     * cases (the copies' activations); it can pay off on small, shallow models. Training on copies supports only
     * {@link Clipping#LOGITS} (the copies return the masked tensors' gradients alone).
     */
    public Masks replicate(boolean on) {
        replicate = on;
        return this;
    }

    /**
     * Trains the masks with the model in training mode and dropout off, as the reference does for the SCAN LSTM
     * (spec §1.5): its decoder then gets the true previous action on a random half of the batches, as in base
     * training, instead of decoding greedily throughout. Off by default (evaluation mode, as for every other model).
     * The draws depend only on the seed and the step, so a resumed run matches an uninterrupted one. Refused for a
     * model with running statistics, which training mode would update.
     */
    public Masks trainingMode(boolean on) {
        trainingMode = on;
        return this;
    }

    private boolean trainingMode;

    /**
     * How many of a step's K samples run at once, each on its own copy of the model (built once per model and
     * kept) with one native thread per op. {@code 1} runs the samples one after another on the model itself,
     * every core working inside each op. Side by side is faster because most ops of a mask
     * sample are too small to split well: on 2 cores, once the JIT had settled, a batch-32 forward/backward pass
     * took 71 ms with two threads per op and 40 ms with one (LSTM 2 × 256), while two passes side by side took 38 ms
     * each. By default one per core for models of at most {@value #SIDE_BY_SIDE_MAX_WEIGHTS} weights and 1 for larger
     * ones: each copy holds its own weights and buffers, and the FNN 4 × 2000 (12M weights) gained nothing (367 →
     * 379 ms per step) for 1.2 GB more memory. The draws are the same; gradients may differ in the last bits, as with
     * any change of thread count.
     * Not used with {@link #replicate} or given {@link #noise}, for a model in training mode (its dropout draws would
     * change), for a model with running statistics, or for one wrapped with {@link Model#of}.
     */
    public Masks threads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        threads = n;
        return this;
    }

    /**
     * Logits of these parameters keep their starting values (they are still sampled, but not optimized): the
     * class-removal masks of spec §3.5 start from the control mask's output layer and keep it.
     */
    public Masks freeze(String... names) {
        return freeze(List.of(names));
    }

    public Masks freeze(Collection<String> names) {
        for (String n : names) model.param(n);
        frozen = new LinkedHashSet<>(names);
        return this;
    }

    public Masks noise(NoiseSource n) {
        noise = n;
        return this;
    }

    public double beta() {
        return beta;
    }

    public long steps() {
        return steps;
    }

    public int samples() {
        return k;
    }

    /**
     * Every setting that changes a trained mask, as one line of {@code name=value} in name order (β, lr, steps, K,
     * initial logit, batch sizes, clip and clipping mode, seeds, selection, and with faithful clipping how many stages
     * the carried gradient has seen). {@code Protocol} names saved masks by the SHA-256 of {@link #settingsMap()} and
     * stores it in the file, so a changed setting never reloads a stale mask.
     */
    public String settings() {
        StringBuilder s = new StringBuilder();
        for (var e : settingsMap().entrySet()) s.append(s.isEmpty() ? "" : " ").append(e.getKey()).append('=').append(e.getValue());
        return s.toString();
    }

    /** {@link #settings()} as a sorted map: what a saved mask stores and what its file name's digest covers. */
    public java.util.SortedMap<String, String> settingsMap() {
        java.util.SortedMap<String, String> m = new java.util.TreeMap<>();
        m.put("beta", Double.toString(beta));
        m.put("lr", Double.toString(lr));
        m.put("steps", Long.toString(steps));
        m.put("K", Integer.toString(k));
        m.put("init", Double.toString(init));
        m.put("batch", Integer.toString(batchSize));
        m.put("reg", String.valueOf(regBatchSize));
        m.put("clip", Double.toString(clip));
        m.put("clipping", clipping.toString());
        m.put("seed", Long.toString(seed));
        m.put("noise", Long.toString(noiseSeed));
        m.put("params", selected().toString());
        if (!frozen.isEmpty()) m.put("frozen", new java.util.TreeSet<>(frozen).toString());
        if (noise != null) m.put("custom-noise", "true");
        if (clipping == Clipping.FAITHFUL && carry != null && carry.stages() > 0) m.put("after-stages", Integer.toString(carry.stages()));
        if (trainingMode) m.put("model-mode", "training, dropout off");
        return m;
    }

    /** The names of the parameters these masks cover. */
    public List<String> selected() {
        List<String> names = new ArrayList<>();
        for (Param p : model.parameters())
            if (filter != null ? filter.test(p) : defaultFilter(p, maskBiases)) names.add(p.name());
        if (names.isEmpty())
            throw new IllegalArgumentException("the mask selection is empty for " + model.kind() + " (parameters: "
                    + model.parameters().stream().map(Param::name).toList() + ")");
        return names;
    }

    /**
     * Records the logits of {@code count} weights of one parameter (evenly spaced over it) about 100 times in each
     * training run, to watch the method work: the regularizer pulls every logit down at the same rate, and the
     * logits of weights the task needs climb back. Read with {@link #trace()}; the training itself is unchanged.
     */
    public Masks watch(String param, int count) {
        if (count < 1) throw new IllegalArgumentException("watch: count must be at least 1, got " + count);
        this.watched = Objects.requireNonNull(param, "param");
        this.watchCount = count;
        return this;
    }

    /**
     * The watched logits of the last training run: a column {@code step} and one per weight, named
     * {@code param[i]} by its flat index; null before a watched run.
     */
    public tech.tablesaw.api.Table trace() {
        return trace;
    }

    /**
     * Saves the training's state to this file every {@link #checkpointEvery} (2 minutes by default), at the end and
     * when interrupted; a later {@code train} with the same settings, start mask and data resumes from it and ends
     * bit-identical to an uninterrupted run. Other settings are refused with the difference named, except the step
     * count: a finished state goes on to a larger {@link #steps}, as a single run of that many steps would have.
     */
    public Masks checkpoint(java.nio.file.Path p) {
        checkpoint = p;
        return this;
    }

    /** The step a saved training state (see {@link #checkpoint}) is at; an IOException names a damaged file. */
    public static long savedStep(java.nio.file.Path state) throws java.io.IOException {
        return MaskCheckpoint.step(state);
    }

    /** How often the state is saved during training (see {@link #checkpoint}). */
    public Masks checkpointEvery(java.time.Duration d) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException("checkpointEvery must be a positive duration, got " + d);
        checkpointEvery = d;
        return this;
    }

    /** Trains a fresh mask (all logits at the initial value) on a dataset; named after the dataset. */
    public WeightMask train(Dataset data) {
        return train(data, initial(data.name()));
    }

    /** A fresh mask: every selected parameter's logits at the initial value. */
    public WeightMask initial(String name) {
        return WeightMask.constant(name, model, selected(), init);
    }

    /** Trains a mask starting from the given logits (copied; the argument is not modified). */
    public WeightMask train(Dataset data, WeightMask start) {
        if (!trainingMode) return trainInCurrentMode(data, start);
        // training mode would also move running statistics (batch normalization): the masks must not change the network
        if (!model.stateNames().isEmpty())
            throw new IllegalArgumentException("trainingMode(true) is for models without running statistics; " + model.kind() + " has " + model.stateNames());
        boolean wasTraining = model.isTraining(), hadDropout = model.dropoutOn();
        model.training(true).dropout(false);
        try {
            return trainInCurrentMode(data, start);
        } finally {
            model.training(wasTraining).dropout(hadDropout);
        }
    }

    private WeightMask trainInCurrentMode(Dataset data, WeightMask start) {
        start.checkFits(model);
        for (String f : frozen)
            if (!start.covers(f)) throw new IllegalArgumentException("frozen parameter '" + f + "' is not in the mask " + start.params());
        if (batchSize % k != 0) throw new IllegalArgumentException("K = " + k + " does not divide the mask batch size " + batchSize
                + ": each of the K mask samples takes an equal share of the batch");
        List<String> names = start.params();
        LinkedHashMap<String, INDArray> logits = new LinkedHashMap<>();
        for (String n : names) logits.put(n, start.logits(n).dup());
        Adam adam = new Adam(lr);
        BatchSampler sampler = data.sampler(batchSize, seed);
        GradientCarry cy = clipping != Clipping.FAITHFUL || clip <= 0 ? null : carry != null ? carry : GradientCarry.empty();
        if (cy != null) cy.resetFactors();
        Watch watch = watched == null ? null : new Watch(watched, watchCount, logits, steps);
        Map<String, String> state = checkpoint == null ? null : stateSettings(start, data);
        long first = 0;
        double running = Double.NaN;
        Map<String, String> prior = null;
        if (checkpoint != null) {
            org.modmask.Workspace.writable(checkpoint.toAbsolutePath().getParent(), "choose another checkpoint path");
            if (java.nio.file.Files.exists(checkpoint)) {
                MaskCheckpoint.State st = readState(state, logits);
                logits.clear();
                logits.putAll(st.logits());
                adam.restore(st.adamSteps(), st.adamM(), st.adamV());
                if (cy != null && st.carry() != null) cy.restore(st.carry());
                first = st.step();
                running = st.running();
                prior = st.provenance();
                System.out.println(String.format(Locale.ROOT, "mask '%s': %s step %,d of %,d from %s; %s", start.name(),
                        first >= steps ? "loaded at" : "resuming at", first, steps, checkpoint, org.modmask.Provenance.describe(prior)));
            }
        }
        clock = org.modmask.Provenance.start(prior);
        long lastSave = System.nanoTime();
        // no bar when the saved state holds every step: "0/3000 done in 0.0 s" would read as if nothing had happened
        try (Sampled s = new Sampled(names, cy != null);
             Progress bar = first < steps ? Progress.Factory.start("mask '" + start.name() + "'", steps) : null) {
            for (long t = first; t < steps; t++) {
                if (t == stopAt) Thread.currentThread().interrupt();
                if (Thread.interrupted()) {     // JJava's interrupt only sets the thread's flag
                    if (checkpoint != null) saveState(t, running, logits, adam, cy, state);
                    throw new java.util.concurrent.CancellationException("mask '" + start.name() + "' interrupted at step " + t + " of " + steps
                            + (checkpoint != null ? "; its state is saved in " + checkpoint + ": run it again to resume" : ""));
                }
                Map<String, INDArray> batch = data.rows(sampler.batch(t));
                if (trainingMode) model.reseed(org.modmask.data.BatchSampler.mix(seed + 2, t));   // teacher forcing by (seed, step)
                double loss = s.gradient(logits, batch, t);
                batch.values().forEach(INDArray::close);    // free native memory now, not at the next GC
                for (String f : frozen) s.grad.get(f).assign(0);   // zero gradient: Adam leaves the logit as it is
                double c = cy != null ? cy.step(s.frozenGrad, s.grad.values(), clip) : Adam.clipFactor(s.grad.values(), clip);
                adam.step(logits, s.grad, c);
                if (watch != null) watch.record(t + 1, logits);
                running = Double.isNaN(running) ? loss : 0.98 * running + 0.02 * loss;
                if (t % 20 == 19 || t == steps - 1)
                    bar.update(t + 1, Map.of("loss", running, "kept", new WeightMask(start.name(), logits).density()));
                else bar.update(t + 1, Map.of("loss", running));
                if (checkpoint != null && (t == steps - 1 || System.nanoTime() - lastSave >= checkpointEvery.toNanos())) {
                    saveState(t + 1, running, logits, adam, cy, state);
                    lastSave = System.nanoTime();
                }
            }
        }
        if (cy != null) cy.endStage();
        if (watch != null) trace = watch.table;
        // a state that already held every step was only loaded: its manifest says when and how it was trained
        return new WeightMask(start.name(), logits).provenance(first >= steps && prior != null ? prior : clock.manifest(steps));
    }

    /** What a saved state must match to be resumed: the settings, the start mask (its name and a digest) and the data. */
    private Map<String, String> stateSettings(WeightMask start, Dataset data) {
        Map<String, String> m = new TreeMap<>(settingsMap());
        m.put("mask", start.name());
        m.put("data", data.name() + " (" + data.size() + " examples)");
        try {
            java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
            for (String p : start.params()) {
                md.update(p.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                float[] f = start.logits(p).dup().data().asFloat();
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * f.length);
                b.asFloatBuffer().put(f);
                md.update(b);
            }
            m.put("start", java.util.HexFormat.of().formatHex(md.digest()).substring(0, 16));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return m;
    }

    private MaskCheckpoint.State readState(Map<String, String> state, Map<String, INDArray> logits) {
        MaskCheckpoint.State st;
        try {
            st = MaskCheckpoint.read(checkpoint);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e.getMessage() + ": delete it to train anew", e);
        }
        // the step count is not a setting of the run so far: a state saved at step k extends to any count ≥ k, and
        // nothing in a step depends on the total (constant rate, sampler and noise by step), so the result is the
        // same as one run of the longer count
        Map<String, String> was = new TreeMap<>(st.settings()), now = new TreeMap<>(state);
        was.remove("steps");
        now.remove("steps");
        String diff = org.modmask.Settings.differences(was, now);
        if (!diff.isEmpty())        // never resume another configuration's run: its mask would come back silently
            throw new IllegalStateException("mask training state " + checkpoint + " was saved with other settings (" + diff
                    + "): use another checkpoint path, or delete it to train anew");
        if (st.step() > steps)
            throw new IllegalStateException("mask training state " + checkpoint + " is at step " + st.step() + ", past the " + steps + " steps asked for");
        for (var e : logits.entrySet()) {
            INDArray saved = st.logits().get(e.getKey());
            if (saved == null || !Arrays.equals(saved.shape(), e.getValue().shape()))
                throw new IllegalStateException("mask training state " + checkpoint + " does not fit: '" + e.getKey() + "' is "
                        + (saved == null ? "missing" : Arrays.toString(saved.shape())) + ", the mask has " + Arrays.toString(e.getValue().shape()));
        }
        return st;
    }

    private void saveState(long step, double running, Map<String, INDArray> logits, Adam adam, GradientCarry cy, Map<String, String> state) {
        try {
            MaskCheckpoint.save(checkpoint, new MaskCheckpoint.State(step, running, logits, adam.steps(), adam.firstMoments(),
                    adam.secondMoments(), cy == null ? null : cy.snapshot(), state, clock.manifest(step)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("could not save the mask training state to " + checkpoint, e);
        }
    }

    /** The logits of a few weights, recorded about 100 times in a run (and at its start and end). */
    private static final class Watch {
        final tech.tablesaw.api.Table table;
        final String param;
        final long[] index;
        final long every, steps;

        Watch(String param, int count, Map<String, INDArray> logits, long steps) {
            INDArray l = logits.get(param);
            if (l == null) throw new IllegalArgumentException("watch: '" + param + "' is not masked (masked: " + logits.keySet() + ")");
            long n = l.length();
            int k = (int) Math.min(count, n);
            this.param = param;
            this.index = new long[k];
            this.steps = steps;
            this.every = Math.max(1, steps / 100);
            table = tech.tablesaw.api.Table.create("logits of " + k + " weights of " + param);
            table.addColumns(tech.tablesaw.api.LongColumn.create("step"));
            for (int j = 0; j < k; j++) {
                index[j] = (long) ((j + 0.5) * n / k);
                table.addColumns(tech.tablesaw.api.DoubleColumn.create(param + "[" + index[j] + "]"));
            }
            record(0, logits);
        }

        void record(long step, Map<String, INDArray> logits) {
            if (step % every != 0 && step != steps) return;
            INDArray l = logits.get(param);
            table.longColumn("step").append(step);
            for (int j = 0; j < index.length; j++) table.doubleColumn(j + 1).append(l.getDouble(index[j]));
        }
    }

    /**
     * The straight-through gradient of the mask objective with respect to the logits for one batch, as the
     * training loop computes it at step {@code step}. Returns the task loss; {@code grads} holds the gradients.
     */
    public Map<String, INDArray> gradient(WeightMask current, Map<String, INDArray> batch, long step) {
        try (Sampled s = new Sampled(current.params(), false)) {
            LinkedHashMap<String, INDArray> l = new LinkedHashMap<>();
            for (String n : current.params()) l.put(n, current.logits(n));
            s.gradient(l, batch, step);
            LinkedHashMap<String, INDArray> out = new LinkedHashMap<>();
            s.grad.forEach((n, g) -> out.put(n, g.dup()));
            return out;
        }
    }

    /** Rows [s·chunk, (s+1)·chunk) of every column: the part of the batch that sample s sees. */
    static Map<String, INDArray> chunkOf(Map<String, INDArray> batch, int s, int chunk) {
        return Dataset.rowRange(batch, s * chunk, (s + 1) * chunk);
    }

    /** Working buffers of one mask-training session; writes sampled weights and restores the originals on close. */
    private final class Sampled implements AutoCloseable {
        final List<String> names;
        /** The parameters whose gradients a pass returns: the masked ones, and with faithful clipping every other one. */
        final List<String> requested = new ArrayList<>();
        /** Faithful clipping: this step's gradient of every frozen parameter (per copy in {@link #frozenC}), else null. */
        final LinkedHashMap<String, INDArray> frozenGrad;
        final List<Map<String, INDArray>> frozenC = new ArrayList<>();
        final LinkedHashMap<String, INDArray> orig = new LinkedHashMap<>();
        final LinkedHashMap<String, INDArray> eff = new LinkedHashMap<>();
        final LinkedHashMap<String, INDArray> u = new LinkedHashMap<>();
        final LinkedHashMap<String, INDArray> tmp = new LinkedHashMap<>();
        final LinkedHashMap<String, INDArray> grad = new LinkedHashMap<>();
        final LinkedHashMap<String, float[]> ds = new LinkedHashMap<>();
        final Random rng = Nd4j.getRandomFactory().getNewRandomInstance(noiseSeed);
        final boolean fused;
        /** K copies of the model in one graph (one call per step), or null: K calls on the model itself. */
        final Replicas replicas;
        /** Per copy: the copy's weight buffers and its W ⊙ s(1−s). */
        final List<Map<String, INDArray>> effR = new ArrayList<>();
        final List<Map<String, float[]>> dsR = new ArrayList<>();
        /** Copies of the model that run samples on other threads (empty: the samples run one after another). */
        final List<Model> others = new ArrayList<>();
        /** Per copy: its weight buffers, its W ⊙ s(1−s) and its share of the logit gradient. */
        final List<Map<String, INDArray>> effC = new ArrayList<>(), accC = new ArrayList<>();
        final List<Map<String, float[]>> dsC = new ArrayList<>();
        java.util.concurrent.ExecutorService pool;

        /** @param faithful whether the frozen parameters' gradients are needed (faithful clipping while training) */
        Sampled(List<String> names, boolean faithful) {
            this.names = names;
            requested.addAll(names);
            if (faithful) for (Param p : model.parameters()) if (!names.contains(p.name())) requested.add(p.name());
            if (faithful && replicate)
                throw new IllegalArgumentException("faithful clipping is not implemented with replicate(true); use clipping(Clipping.LOGITS) or replicate(false)");
            frozenGrad = faithful ? new LinkedHashMap<>() : null;
            if (faithful) for (String n : requested) frozenGrad.put(n, model.get(n).ulike());
            boolean ok = true;
            for (String n : names) {
                INDArray w = model.get(n);
                orig.put(n, w.dup());          // weight_orig; the model's own buffer receives W ⊙ b
                eff.put(n, w);
                tmp.put(n, w.ulike());
                grad.put(n, w.ulike());
                ok &= FusedSampler.supports(w, orig.get(n), tmp.get(n), grad.get(n));
            }
            fused = ok;
            if (noise != null || !fused)           // the fused path draws its own uniforms unless they are given
                for (String n : names) u.put(n, model.get(n).ulike());
            replicas = fused && k > 1 && replicate ? model.replicas(k) : null;
            if (replicas != null) {
                replicas.copyParameters();        // frozen weights and the unmasked parameters, in every copy
                for (int r = 0; r < k; r++) {
                    Map<String, INDArray> e = new LinkedHashMap<>();
                    Map<String, float[]> d = new LinkedHashMap<>();
                    for (String n : names) {
                        e.put(n, replicas.get(r, n));
                        d.put(n, new float[(int) model.get(n).length()]);
                    }
                    effR.add(e);
                    dsR.add(d);
                }
            } else if (fused) for (String n : names) ds.put(n, new float[(int) model.get(n).length()]);
            int wanted = threads > 0 ? threads
                    : model.size() <= SIDE_BY_SIDE_MAX_WEIGHTS ? Runtime.getRuntime().availableProcessors() : 1;
            int side = replicas == null && fused && noise == null && !model.isTraining() ? Math.min(wanted, k) : 1;
            List<Model> copies = side > 1 ? model.copies(side - 1) : null;
            if (copies != null) {
                for (Model c : copies) {
                    model.copyParametersTo(c);           // the model's buffers hold the frozen weights here
                    Map<String, INDArray> e = new LinkedHashMap<>(), a = new LinkedHashMap<>();
                    Map<String, float[]> d = new LinkedHashMap<>();
                    for (String n : names) {
                        e.put(n, c.get(n));
                        a.put(n, grad.get(n).ulike());
                        d.put(n, new float[(int) model.get(n).length()]);
                    }
                    others.add(c);
                    if (frozenGrad != null) frozenC.add(GradientCarry.zeros(frozenGrad));
                    effC.add(e);
                    accC.add(a);
                    dsC.add(d);
                }
                pool = org.modmask.Threads.pool(copies.size(), "modmask mask sample");
            }
        }

        double gradient(Map<String, INDArray> logits, Map<String, INDArray> batch, long step) {
            int b = (int) batch.values().iterator().next().size(0);
            if (b % k != 0) throw new IllegalArgumentException("K = " + k + " does not divide the batch of " + b);
            int chunk = b / k;
            double reg = beta / (regBatchSize != null ? regBatchSize : batchSize);
            for (INDArray g : grad.values()) g.assign(reg);    // the sparsity term's gradient, β / batch size, on every logit
            if (frozenGrad != null) for (INDArray g : frozenGrad.values()) g.assign(0);
            if (fused) for (String n : names) FusedSampler.expLogits(tmp.get(n), logits.get(n));   // a = e^l
            else rng.setSeed(BatchSampler.mix(noiseSeed, step));
            if (replicas != null) return replicaGradient(batch, step, chunk);
            if (fused) return fusedGradient(batch, step, chunk);
            double loss = 0;
            for (int s = 0; s < k; s++) {                      // the ND4J path
                int ti = 0;
                for (String n : names) sample(n, logits.get(n), step, s, ti++);
                Model.Step st = model.step(chunkOf(batch, s, chunk), requested);
                loss += st.loss() / k;
                for (String n : names)      // dL/dl = dL/dW_eff ⊙ W ⊙ s(1−s); chunk mean × 1/K = batch mean
                    grad.get(n).addi(st.gradients().get(n).mul(orig.get(n)).muli(tmp.get(n)).muli(1.0 / k));
                addFrozen(frozenGrad, st, eff);
                st.free();
            }
            return loss;
        }

        /** All K samples in one call on the K copies; the same draws and the same gradient as K calls. */
        private double replicaGradient(Map<String, INDArray> batch, long step, int chunk) {
            List<Map<String, INDArray>> parts = new ArrayList<>();
            for (int s = 0; s < k; s++) {
                int ti = 0;
                for (String n : names) sampleFused(n, step, s, ti++, effR.get(s).get(n), dsR.get(s).get(n));
                parts.add(chunkOf(batch, s, chunk));
            }
            Replicas.Step st = replicas.step(parts, names);
            for (int s = 0; s < k; s++)
                for (String n : names) {
                    INDArray g = st.gradients().get(s).get(n);     // already (1/K)·∂L_s/∂W_s
                    if (!FusedSampler.supports(g)) g = g.dup('c');
                    FusedSampler.accumulate(FusedSampler.view(grad.get(n)), FusedSampler.view(g), dsR.get(s).get(n), 1.0f);
                }
            st.free();
            return st.loss();
        }

        /**
         * The K samples one after another on the model, or side by side on the model and its copies: thread w takes
         * samples w, w + P, ... (P threads), each native op on one thread. The shares of the gradient are added in
         * a fixed order, so results do not depend on timing.
         */
        private double fusedGradient(Map<String, INDArray> batch, long step, int chunk) {
            int p = others.size() + 1;
            double[] losses = new double[k];
            if (p == 1) samplesOf(0, 1, batch, step, chunk, losses);
            else {
                List<Runnable> tasks = new ArrayList<>();
                for (int w = 0; w < p; w++) {
                    int ww = w;
                    tasks.add(() -> samplesOf(ww, p, batch, step, chunk, losses));
                }
                org.modmask.Threads.sideBySide(tasks, pool);
            }
            for (Map<String, INDArray> a : accC)
                for (String n : names) grad.get(n).addi(a.get(n));
            for (Map<String, INDArray> f : frozenC)
                for (var e : f.entrySet()) frozenGrad.get(e.getKey()).addi(e.getValue());
            double loss = 0;
            for (double l : losses) loss += l / k;             // the same order as one after another
            return loss;
        }

        /** Samples w, w + p, ... on copy w (0: the model itself), its gradient share into its accumulator. */
        private void samplesOf(int w, int p, Map<String, INDArray> batch, long step, int chunk, double[] losses) {
            Model m = w == 0 ? model : others.get(w - 1);
            Map<String, INDArray> e = w == 0 ? eff : effC.get(w - 1), acc = w == 0 ? grad : accC.get(w - 1);
            Map<String, float[]> d = w == 0 ? ds : dsC.get(w - 1);
            Map<String, INDArray> fz = frozenGrad == null ? null : w == 0 ? frozenGrad : frozenC.get(w - 1);
            if (w > 0) for (INDArray a : acc.values()) a.assign(0);
            if (w > 0 && fz != null) for (INDArray a : fz.values()) a.assign(0);
            for (int s = w; s < k; s += p) {
                int ti = 0;
                for (String n : names) sampleFused(n, step, s, ti++, e.get(n), d.get(n));
                Model.Step st = m.step(chunkOf(batch, s, chunk), requested);
                losses[s] = st.loss();
                for (String n : names) {
                    INDArray g = st.gradients().get(n);
                    if (!FusedSampler.supports(g)) g = g.dup('c');
                    FusedSampler.accumulate(FusedSampler.view(acc.get(n)), FusedSampler.view(g), d.get(n), 1.0f / k);
                }
                addFrozen(fz, st, e);
                st.free();
            }
        }

        /** Faithful clipping: a sample's share (1/K) of the frozen parameters' gradient, ∂L/∂W = ∂L/∂W_eff ⊙ b for masked ones. */
        private void addFrozen(Map<String, INDArray> fz, Model.Step st, Map<String, INDArray> effective) {
            if (fz == null) return;
            for (var f : fz.entrySet()) {
                INDArray g = st.gradients().get(f.getKey());
                if (g == null) continue;                            // a parameter the loss does not reach
                INDArray we = effective.get(f.getKey());
                if (we != null) GradientCarry.addKept(f.getValue(), g, we, 1.0f / k);
                else GradientCarry.add(f.getValue(), g, 1.0f / k);
            }
        }

        /** W ⊙ b into {@code target}, W ⊙ s(1−s) into {@code factor}. */
        private void sampleFused(String n, long step, int s, int ti, INDArray target, float[] factor) {
            java.nio.FloatBuffer given = null;
            if (noise != null) {
                noise.fill(u.get(n), step, s, ti);
                given = FusedSampler.view(u.get(n));
            }
            FusedSampler.sample(FusedSampler.view(orig.get(n)), FusedSampler.view(tmp.get(n)), FusedSampler.view(target),
                    factor, given, noiseSeed, step, s, ti);
        }

        /** The ND4J path (double precision, views): binds W ⊙ b and leaves s(1−s) in tmp. */
        private void sample(String n, INDArray l, long step, int s, int ti) {
            INDArray uu = u.get(n), t = tmp.get(n);
            if (noise != null) noise.fill(uu, step, s, ti);
            else Nd4j.getExecutioner().exec(new UniformDistribution(uu, 1e-7, 1 - 1e-7), rng);
            t.assign(uu).rsubi(1);
            Transforms.log(t, false);
            Transforms.log(uu, false);
            uu.subi(t).addi(l);                                   // z = l + log u − log(1−u)
            INDArray keep = uu.gt(0).castTo(uu.dataType());       // hard sample b
            orig.get(n).mul(keep, eff.get(n));                    // W_eff = W ⊙ b, in the model's buffer
            Transforms.sigmoid(uu, false);                        // s
            t.assign(uu).rsubi(1).muli(uu);                       // s(1−s)
        }

        @Override
        public void close() {
            if (pool != null) org.modmask.Threads.shutDown(pool);
            orig.forEach((n, w) -> eff.get(n).assign(w));
        }
    }
}
