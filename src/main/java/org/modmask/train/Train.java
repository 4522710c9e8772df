package org.modmask.train;

import org.modmask.data.BatchSampler;
import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.nn.Param;
import org.nd4j.linalg.api.ndarray.INDArray;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.function.Consumer;

/**
 * Base training of a model: Adam, seeded batches drawn with replacement, global-norm gradient clipping,
 * a progress bar and optional atomic checkpoints that resume exactly. Defaults are the paper's
 * (Adam lr 1e-3, batch 128, clip 1.0).
 * <pre>{@code
 * Table history = Train.of(net).steps(20_000).checkpoint(Path.of("addmul.ckpt")).run(task.train());
 * }</pre>
 */
public final class Train {
    static {
        org.modmask.FirstUse.ensure();   // rich display under a user's own IJava kernel (the kernel package is a service)
    }

    private final Model model;
    private long steps = 20_000, warmup;
    private int batchSize = 128;
    private double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    private double clip = 1.0;
    private long seed = 1234;
    private Path checkpoint;
    private Path checkpointDir;
    private String checkpointStem;
    private long checkpointEvery = 1000;
    private long logEvery = 100;
    private Collection<String> trainable;
    private final List<Consumer<StepInfo>> listeners = new ArrayList<>();
    private final LinkedHashMap<String, INDArray> lastGradient = new LinkedHashMap<>();
    private double momentum = -1, weightDecay = 0;
    private long[] lrDrops = new long[0];
    private org.modmask.Provenance clock;         // the current run's, for the manifests its checkpoints carry
    private org.modmask.data.Augment augment;
    private Dataset validation;
    private long validateEvery;
    private Plateau plateau, schedule;                // as configured; the running one (saved with checkpoints)
    private boolean restoreBest;
    private String trainedOn;                         // the data of the current run, for the settings
    private int threads;                              // 0: automatic (see threads(int))

    /** What a listener sees after each step. */
    public record StepInfo(long step, long total, double loss) {
    }

    private Train(Model model) {
        this.model = model;
    }

    public static Train of(Model model) {
        return new Train(model);
    }

    public Train steps(long s) {
        if (s < 0) throw new IllegalArgumentException("steps must be >= 0, got " + s);
        steps = s;
        return this;
    }

    public Train batchSize(int b) {
        batchSize = org.modmask.Check.count("batch size", b);
        return this;
    }

    public Train lr(double v) {
        lr = org.modmask.Check.positive("learning rate", v);
        return this;
    }

    public Train betas(double b1, double b2) {
        beta1 = org.modmask.Check.fraction("Adam's beta1", b1);
        beta2 = org.modmask.Check.fraction("Adam's beta2", b2);
        return this;
    }

    public Train eps(double e) {
        eps = org.modmask.Check.positive("Adam's epsilon", e);
        return this;
    }

    /** SGD with momentum and L2 weight decay instead of Adam (the reference's ResNet: 0.9 and 1e-4). */
    public Train sgd(double momentum, double weightDecay) {
        new Sgd(1, momentum, weightDecay);                 // validates
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        return this;
    }

    /** Multiplies the learning rate by 0.1 at each of these steps (the reference's ResNet: 32k and 48k). */
    public Train lrDrops(long... atSteps) {
        for (long s : atSteps) if (s <= 0) throw new IllegalArgumentException("learning-rate drops must be at steps > 0, got " + s);
        lrDrops = atSteps.clone();
        return this;
    }

    /**
     * Linear learning-rate warmup over the first {@code n} steps (the reference's Mathematics runs for linear_1d and
     * poly. collect: 5,000); 0, the default, starts at the full rate.
     */
    public Train warmup(long n) {
        if (n < 0) throw new IllegalArgumentException("warmup must be >= 0 steps, got " + n);
        warmup = n;
        return this;
    }

    /**
     * Evaluates the loss on {@code data} every {@code every} steps (once per epoch in the clustering paper's runs), with
     * the model in evaluation mode; the history gains a {@code val loss} column.
     */
    public Train validation(Dataset data, long every) {
        if (every <= 0) throw new IllegalArgumentException("validation interval must be > 0 steps, got " + every);
        validation = java.util.Objects.requireNonNull(data, "validation data");
        validateEvery = every;
        return this;
    }

    /**
     * Learning-rate reduction and early stopping on the validation loss (see {@link Plateau}); the clustering paper's
     * TMLR runs use {@code plateau(0.25, 3, 6)}. Needs {@link #validation}.
     */
    public Train plateau(double factor, int lrPatience, int stopPatience) {
        plateau = new Plateau(factor, lrPatience, stopPatience);
        return this;
    }

    /**
     * At the end, loads the weights that had the lowest validation loss (the TMLR runs' best checkpoint). With a
     * checkpoint they are kept beside it ({@code <checkpoint>.best}), so a resumed run still knows them.
     */
    public Train restoreBest(boolean on) {
        restoreBest = on;
        return this;
    }

    public Train augment(org.modmask.data.Augment a) {
        augment = a;
        return this;
    }

    /** The learning rate at a step, after the drops before it. */
    double lrAt(long step) {
        double v = lr;
        if (step < warmup) v *= (step + 1.0) / warmup;
        for (long d : lrDrops) if (step >= d) v *= 0.1;
        return v;
    }

    /**
     * How many parts of each batch run at once, each on its own copy of the model with one native thread per op
     * ({@code DataParallel}); the gradient is the parts' row-weighted mean, the batch's gradient when the loss is a
     * mean over examples (checked on the first batch; otherwise the batch runs whole). {@code 1} runs the batch
     * whole on the model, every core working inside each op. By default one part per core for the models that
     * ask for it ({@link Model#splitsBatches()}), one otherwise. Measured on 2 cores once the JIT had settled (ms
     * per step, whole batch → two parts): simple CNN 122 → 104, arithmetic LSTM 110 → 69, but FNN 4 × 2000 101 → 141
     * (each copy reads its own 48 MB of weights) and SCAN Transformer 582 → 637. Not used for models with running
     * statistics (batch normalization) or wrapped with {@link Model#of}. The copies draw their own dropout masks,
     * so results depend on this setting (reproducibly for a given value).
     */
    public Train threads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be at least 1, got " + n);
        threads = n;
        return this;
    }

    private int partsPerBatch() {
        if (threads > 0) return threads;
        return model.splitsBatches() ? Runtime.getRuntime().availableProcessors() : 1;
    }

    /** Global-norm clipping threshold; 0 disables clipping. */
    public Train clip(double c) {
        clip = org.modmask.Check.nonNegative("clip", c);
        return this;
    }

    public Train seed(long s) {
        seed = s;
        return this;
    }

    /** Saves to (and resumes from) this file; written atomically every {@link #checkpointEvery} steps and at the end. */
    public Train checkpoint(Path p) {
        checkpoint = p;
        checkpointDir = null;
        return this;
    }

    /**
     * Saves to (and resumes from) {@code dir/<stem>-<key>.ckpt}, the key being the digest of {@link #settings(Dataset)}:
     * after a change of a setting, the run trains into a new file instead of refusing the old one, and going back to
     * the old settings finds the old file again.
     */
    public Train checkpointIn(Path dir, String stem) {
        checkpointDir = java.util.Objects.requireNonNull(dir, "dir");
        checkpointStem = java.util.Objects.requireNonNull(stem, "stem");
        checkpoint = null;
        return this;
    }

    /** The checkpoint file: the one set, or the one {@link #checkpointIn} names for a run on {@code data}; null when none. */
    public Path checkpointFor(Dataset data) {
        return checkpointDir != null ? checkpointDir.resolve(checkpointStem + "-" + org.modmask.Settings.key(settings(data)) + ".ckpt") : checkpoint;
    }

    public Train checkpointEvery(long n) {
        if (n <= 0) throw new IllegalArgumentException("checkpointEvery must be > 0, got " + n);
        checkpointEvery = n;
        return this;
    }

    /** How often the loss history records a row. */
    public Train logEvery(long n) {
        logEvery = Math.max(1, n);
        return this;
    }

    /** Trains only these parameters (default: all). */
    public Train trainable(Collection<String> names) {
        for (String n : names) model.param(n);
        trainable = List.copyOf(names);
        return this;
    }

    public Train listener(Consumer<StepInfo> l) {
        listeners.add(l);
        return this;
    }

    /**
     * The settings that decide what training produces (model kind, data, optimizer, schedule, seed, steps), as saved
     * with every checkpoint: a checkpoint is resumed only when they match, steps aside (a longer run continues a
     * shorter one exactly). The data are known once {@link #run} starts; {@link #settings(Dataset)} names them before.
     */
    public java.util.SortedMap<String, String> settings() {
        return settingsOf(config());
    }

    /** {@link #settings()} for a run on {@code data}. */
    public java.util.SortedMap<String, String> settings(Dataset data) {
        java.util.SortedMap<String, String> s = settings();
        s.put("data", describe(data));
        return s;
    }

    /** The settings in a checkpoint's configuration: everything but the schedule's running state and the file's bookkeeping. */
    static java.util.SortedMap<String, String> settingsOf(Properties config) {
        java.util.SortedMap<String, String> s = org.modmask.Settings.of(config);
        s.keySet().removeIf(k -> k.startsWith("plateau.") || k.startsWith("checkpoint."));
        return s;
    }

    private static String describe(Dataset data) {
        return data.name() + " (" + data.size() + " rows)";
    }

    /** The configuration as properties (saved in checkpoints): {@link #settings()} and the schedule's running state. */
    public Properties config() {
        Properties p = new Properties();
        p.setProperty("model", model.kind());
        if (trainedOn != null) p.setProperty("data", trainedOn);
        p.setProperty("steps", Long.toString(steps));
        p.setProperty("batchSize", Integer.toString(batchSize));
        p.setProperty("lr", Double.toString(lr));
        p.setProperty("beta1", Double.toString(beta1));
        p.setProperty("beta2", Double.toString(beta2));
        p.setProperty("eps", Double.toString(eps));
        p.setProperty("clip", Double.toString(clip));
        p.setProperty("seed", Long.toString(seed));
        if (momentum >= 0) {
            p.setProperty("optimizer", "sgd");
            p.setProperty("momentum", Double.toString(momentum));
            p.setProperty("weightDecay", Double.toString(weightDecay));
        }
        if (warmup > 0) p.setProperty("warmup", Long.toString(warmup));
        if (lrDrops.length > 0) p.setProperty("lrDrops", java.util.Arrays.toString(lrDrops));
        if (validation != null) {
            p.setProperty("validateEvery", Long.toString(validateEvery));
            p.setProperty("validation", describe(validation));
        }
        if (plateau != null) p.setProperty("plateauSchedule", plateau.factor() + "," + plateau.lrPatience() + "," + plateau.stopPatience());
        if (restoreBest) p.setProperty("restoreBest", "true");
        // a lambda's class name changes from run to run: keep the class that made it (its captured values are not seen)
        if (augment != null) p.setProperty("augment", augment.getClass().getName().split("\\$\\$Lambda")[0]);
        if (trainable != null) p.setProperty("trainable", String.join(",", new java.util.TreeSet<>(trainable)));
        if (schedule != null) schedule.save(p);
        return p;
    }

    /**
     * The last step's gradient after clipping, by parameter (empty before training ends, or when a checkpoint from
     * before it was saved was resumed). Faithful mask clipping starts from it ({@code GradientCarry.fromBase}).
     */
    public Map<String, INDArray> lastGradient() {
        return Collections.unmodifiableMap(lastGradient);
    }

    private void keepLastGradient(Map<String, INDArray> grads, double f) {
        lastGradient.clear();
        grads.forEach((n, g) -> lastGradient.put(n, g.dup().muli(f)));
    }

    /** Runs (or resumes) training on the dataset and returns the loss history (step, loss, and val loss if validating). */
    public Table run(Dataset data) {
        if ((plateau != null || restoreBest) && validation == null)
            throw new IllegalStateException("plateau(...) and restoreBest(true) need validation(data, every)");
        trainedOn = describe(data);
        if (checkpointDir != null) checkpoint = checkpointFor(data);
        // fresh state per run; without plateau(...) it only tracks the best validation loss
        schedule = plateau != null ? new Plateau(plateau.factor(), plateau.lrPatience(), plateau.stopPatience())
                : validation != null ? new Plateau(1, 0, 0) : null;
        List<String> names = trainable != null ? List.copyOf(trainable)
                : model.parameters().stream().map(Param::name).toList();
        Adam adam = new Adam(lr, beta1, beta2, eps);
        Sgd sgd = momentum >= 0 ? new Sgd(lr, momentum, weightDecay) : null;
        BatchSampler sampler = data.sampler(batchSize, seed);
        Map<String, INDArray> best = null;
        long start = 0;
        if (checkpoint != null)     // a checkpoint that cannot be saved should fail now, not after the training
            org.modmask.Workspace.writable(checkpoint.toAbsolutePath().getParent(), "choose another checkpoint path");
        if (checkpoint != null && Files.exists(checkpoint)) start = resume(adam, sgd);
        clock = org.modmask.Provenance.start(start > 0 ? org.modmask.Provenance.readQuietly(checkpoint) : null);
        if (restoreBest && checkpoint != null && Files.exists(bestFile())) best = readBest();
        if (schedule != null && schedule.stopped()) start = steps;                  // stopped early before: nothing left to do
        if (start > 0) System.out.println(resumed(start));
        Table history = Table.create("training " + model.kind(), LongColumn.create("step"), DoubleColumn.create("loss"));
        if (validation != null) history.addColumns(DoubleColumn.create("val loss"));
        Map<String, INDArray> params = new LinkedHashMap<>();
        for (String n : names) params.put(n, model.get(n));
        double running = Double.NaN;
        boolean wasTraining = model.isTraining();
        model.training(true);
        DataParallel parts = null;
        // no bar when the checkpoint holds every step: "0/2000 done in 0.0 s" would read as if nothing had happened
        try (Progress bar = start < steps ? Progress.Factory.start("training " + model.kind(), steps) : null) {
            for (long t = start; t < steps; t++) {
                model.reseed(BatchSampler.mix(seed + 1, t));      // dropout masks depend only on (seed, step)
                Map<String, INDArray> batch = data.rows(sampler.batch(t));
                if (augment != null) batch = augment.apply(batch, t);
                if (t == start && partsPerBatch() > 1) parts = DataParallel.of(model, partsPerBatch(), batch);
                Model.Step s = parts != null ? parts.step(batch, names, BatchSampler.mix(seed + 2, t)) : model.step(batch, names);
                double f = Adam.clipFactor(s.gradients().values(), clip);
                if (t == steps - 1) keepLastGradient(s.gradients(), f);   // before the update, which may overwrite it
                double scale = schedule == null ? 1 : schedule.lrScale();
                if (sgd != null) {
                    sgd.lr(lrAt(t) * scale);
                    sgd.step(params, s.gradients(), f);
                } else {
                    adam.lr(lrAt(t) * scale);
                    adam.step(params, s.gradients(), f);
                }
                s.free();                                   // native memory back now, not at the next GC
                batch.values().forEach(INDArray::close);
                running = Double.isNaN(running) ? s.loss() : 0.98 * running + 0.02 * s.loss();
                if ((t + 1) % logEvery == 0 || t == steps - 1) {
                    history.longColumn("step").append(t + 1);
                    history.doubleColumn("loss").append(s.loss());
                    if (validation != null) history.doubleColumn("val loss").appendMissing();
                }
                boolean stop = false;
                if (validation != null && (t + 1) % validateEvery == 0) {
                    model.training(false);
                    double v = Eval.loss(model, validation);
                    model.training(true);
                    logValidation(history, t + 1, s.loss(), v);
                    if (schedule.update(v) && restoreBest) {
                        best = model.snapshot();
                        if (checkpoint != null) saveBest(best, t + 1);
                    }
                    stop = schedule.stopped();
                }
                StepInfo info = new StepInfo(t + 1, steps, s.loss());
                for (var l : listeners) l.accept(info);
                bar.update(stop ? steps : t + 1, Map.of("loss", running));
                // JJava's interrupt only sets the thread's flag: stop here, with the work so far saved
                boolean interrupted = Thread.interrupted();
                if (checkpoint != null && ((t + 1) % checkpointEvery == 0 || t == steps - 1 || stop || interrupted)) save(adam, sgd, t + 1);
                if (interrupted)
                    throw new java.util.concurrent.CancellationException("training interrupted at step " + (t + 1) + " of " + steps
                            + (checkpoint != null ? "; saved to " + checkpoint + ": run it again to resume" : ""));
                if (stop) break;
            }
        } finally {
            model.training(wasTraining);
            if (parts != null) parts.close();
        }
        if (restoreBest && best != null) model.load(best);
        return history;
    }

    /** The validation loss goes on the row of its step (added when the step had no training-loss row). */
    private static void logValidation(Table history, long step, double loss, double val) {
        int last = history.rowCount() - 1;
        if (last >= 0 && history.longColumn("step").get(last) == step) {
            history.doubleColumn("val loss").set(last, val);
            return;
        }
        history.longColumn("step").append(step);
        history.doubleColumn("loss").append(loss);
        history.doubleColumn("val loss").append(val);
    }

    private Path bestFile() {
        return checkpoint.resolveSibling(checkpoint.getFileName() + ".best");
    }

    private void saveBest(Map<String, INDArray> best, long step) {
        try {
            Checkpoint.save(bestFile(), new Checkpoint.State(config(), step, best, 0, Map.of(), Map.of()));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save the best weights " + bestFile(), e);
        }
    }

    private Map<String, INDArray> readBest() {
        try {
            return Checkpoint.read(bestFile()).params();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a resumed run says: where its steps come from, and when they were saved. */
    private String resumed(long start) {
        String made = org.modmask.Provenance.describe(org.modmask.Provenance.readQuietly(checkpoint));
        String key = org.modmask.Settings.key(settings()).substring(0, 8);
        return start >= steps
                ? String.format(java.util.Locale.ROOT, "training %s: loaded from %s: all %,d steps done with these settings (key %s); %s",
                model.kind(), checkpoint, steps, key, made)
                : String.format(java.util.Locale.ROOT, "training %s: resuming at step %,d of %,d from %s (settings key %s); so far %s",
                model.kind(), start, steps, checkpoint, key, made);
    }

    private long resume(Adam adam, Sgd sgd) {
        try {
            Checkpoint.State s = Checkpoint.read(checkpoint);
            Checkpoint.checkCompatible(s, model, checkpoint);
            var saved = settingsOf(s.config());
            var now = settings();
            saved.remove("steps");
            now.remove("steps");
            String diff = org.modmask.Settings.differences(saved, now);
            if (!diff.isEmpty())       // never resume another configuration's run: its network would come back silently
                throw new IllegalStateException("checkpoint " + checkpoint + " was trained with other settings (" + diff
                        + "): use another checkpoint path, or delete it to train anew");
            if (s.step() > steps)
                throw new IllegalStateException("checkpoint " + checkpoint + " is at step " + s.step() + ", past the " + steps
                        + " steps asked for: use another checkpoint path, or delete it to train anew");
            model.load(s.params());
            if (sgd != null) sgd.restore(s.adamSteps(), s.adamM());     // SGD's momentum buffers take the first-moment slot
            else adam.restore(s.adamSteps(), s.adamM(), s.adamV());
            if (schedule != null) schedule.restore(s.config());
            if (s.step() >= steps) {
                lastGradient.clear();
                lastGradient.putAll(s.lastGradient());
            }
            return Math.min(s.step(), steps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void save(Adam adam, Sgd sgd, long step) {
        try {
            Checkpoint.save(checkpoint, sgd != null
                    ? new Checkpoint.State(config(), step, model.snapshot(), sgd.steps(), sgd.velocity(), Map.of(), lastGradient)
                    : new Checkpoint.State(config(), step, model.snapshot(), adam.steps(), adam.firstMoments(), adam.secondMoments(), lastGradient),
                    clock == null ? null : clock.manifest(step));
        } catch (IOException e) {
            throw new UncheckedIOException("could not save checkpoint " + checkpoint, e);
        }
    }
}
