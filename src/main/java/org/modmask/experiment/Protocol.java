package org.modmask.experiment;

import org.modmask.Settings;
import org.modmask.Workspace;

import org.modmask.data.Dataset;
import org.modmask.mask.GradientCarry;
import org.modmask.mask.Masks;
import org.modmask.mask.WeightMask;
import org.modmask.nn.Metric;
import org.modmask.nn.Model;
import org.modmask.train.Eval;
import org.modmask.train.Train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.function.ToDoubleBiFunction;

/**
 * The paper's protocol (spec §1.7) as a reusable runner: for each run, train the base network (or resume its
 * checkpoint), then the control mask and one mask per sub-function, each from a fresh initialization; evaluate
 * every mask and its complement (¬, and the "first full mask" variant that keeps the control mask on the I/O
 * layers) on every validation view. Checkpoints and masks are saved under a directory, so running again only
 * re-evaluates.
 * <pre>{@code
 * Result r = Protocol.of("addmul-fnn", seed -> Mlp.classifier(42, new int[]{800, 800}, 2, 10, seed))
 *     .train(task.train(), t -> t.steps(20_000))
 *     .masks(m -> m.steps(10_000))
 *     .stage("control", task.train()).stage("+", task.train(Op.ADD)).stage("×", task.train(Op.MUL))
 *     .view("+", task.valid(Op.ADD)).view("×", task.valid(Op.MUL))
 *     .runs(3).dir(Path.of("results/addmul-fnn")).run();
 * }</pre>
 */
public final class Protocol {
    /** An evaluation view: a dataset and how to judge it (the model's metric, another metric, or a whole scorer). */
    public record View(String name, Dataset data, Metric metric, ToDoubleBiFunction<Model, Dataset> scorer) {
        double score(Model m) {
            if (scorer != null) return scorer.applyAsDouble(m, data);
            return metric == null ? Eval.accuracy(m, data) : Eval.accuracy(m, data, metric);
        }
    }

    private final String name;
    private final LongFunction<Model> factory;
    private Dataset train;
    private Consumer<Train> trainConfig = t -> { };
    private Consumer<Masks> maskConfig = m -> { };
    private final LinkedHashMap<String, Dataset> stages = new LinkedHashMap<>();
    private final List<View> views = new ArrayList<>();
    private List<String> ioLayers = List.of();
    private List<String> keepFromControl = List.of();
    private BiConsumer<Model, Integer> beforeMasks;
    private int runs = 1;
    private boolean complements = true;
    private boolean control = true;                   // the first stage is the control mask
    private long seed = 1;
    private int only = -1;
    private double requiredBase = Double.NaN;
    private Path dir;

    private Protocol(String name, LongFunction<Model> factory) {
        this.name = name;
        this.factory = factory;
    }

    /** @param factory builds a fresh model from a seed (one per run) */
    public static Protocol of(String name, LongFunction<Model> factory) {
        return new Protocol(name, factory);
    }

    /** Base training data and settings (defaults: the paper's). */
    public Protocol train(Dataset data, Consumer<Train> config) {
        train = data;
        trainConfig = config;
        return this;
    }

    public Protocol masks(Consumer<Masks> config) {
        maskConfig = config;
        return this;
    }

    /** A mask stage; the first is the control mask. */
    public Protocol stage(String stageName, Dataset data) {
        if (stages.containsKey(stageName)) throw new IllegalArgumentException("duplicate stage '" + stageName + "'");
        stages.put(stageName, data);
        return this;
    }

    /** A validation view judged by the model's own metric. */
    public Protocol view(String viewName, Dataset data) {
        views.add(new View(viewName, data, null, null));
        return this;
    }

    public Protocol view(String viewName, Dataset data, Metric metric) {
        views.add(new View(viewName, data, metric, null));
        return this;
    }

    /**
     * A validation view scored by a function of the (masked) model and the data, e.g. greedy decoding
     * ({@link org.modmask.nn.Seq2Seq#greedyAccuracy}).
     */
    public Protocol scoredView(String viewName, Dataset data, ToDoubleBiFunction<Model, Dataset> scorer) {
        views.add(new View(viewName, data, null, scorer));
        return this;
    }

    /** Whether to evaluate each mask's complement too (default yes; SCAN's analysis does not use them). */
    public Protocol complements(boolean on) {
        complements = on;
        return this;
    }

    /**
     * No control mask: every stage is a sub-function's mask and gets its complement evaluated (the width study needs
     * only the + and × masks and their complements). Cannot be combined with {@link #ioLayers} or
     * {@link #keepFromControl}, which take the control mask's logits.
     */
    public Protocol noControl() {
        control = false;
        return this;
    }

    /** The input and output layers, for the "first full mask" inverse (spec §2 item 6). */
    public Protocol ioLayers(String... params) {
        ioLayers = List.of(params);
        return this;
    }

    /**
     * Parameters whose control-mask logits every later stage copies and keeps (spec §3.5's
     * {@code keep_last_layer}: the class-removal masks reuse the control mask's output layer, so they cannot
     * simply switch off the removed class's output unit and must remove its features).
     */
    public Protocol keepFromControl(String... params) {
        keepFromControl = List.of(params);
        return this;
    }

    /** Something to do to the trained network before its masks (e.g. the copy-weight control). */
    public Protocol beforeMasks(BiConsumer<Model, Integer> action) {
        beforeMasks = action;
        return this;
    }

    /**
     * The accuracy (a fraction, e.g. 0.99) that the trained base network must reach on every view before its masks
     * mean anything (spec §5.3 T0c). After base training the protocol prints the base network's accuracy per view, and
     * when one falls short it says so there, with what to change; {@link Result#lowestAccuracy}("unmasked") lets a
     * claims table mark its verdicts untestable.
     */
    public Protocol requireBase(double minAccuracy) {
        if (!(minAccuracy >= 0 && minAccuracy <= 1))
            throw new IllegalArgumentException("requireBase takes an accuracy in [0, 1], got " + minAccuracy);
        requiredBase = minAccuracy;
        return this;
    }

    public Protocol runs(int n) {
        if (n <= 0) throw new IllegalArgumentException("runs must be > 0, got " + n);
        runs = n;
        return this;
    }

    /**
     * Runs only run {@code r} (seed + r, folder {@code run-r}), as one of the {@link #runs} would: a sweep's task runs
     * one run per worker into the notebook's own folder, and the notebook's full protocol then loads every run.
     */
    public Protocol onlyRun(int r) {
        if (r < 0) throw new IllegalArgumentException("run index must be >= 0, got " + r);
        only = r;
        return this;
    }

    /** Seed of run 0; run r uses seed + r for the network's initialization and data order. */
    public Protocol seed(long s) {
        seed = s;
        return this;
    }

    /** Where checkpoints, masks and tables go (none: nothing is saved). */
    public Protocol dir(Path d) {
        dir = d;
        return this;
    }

    public Result run() {
        if (train == null) throw new IllegalStateException("protocol '" + name + "' has no training data: call train(...)");
        if (stages.isEmpty()) throw new IllegalStateException("protocol '" + name + "' has no mask stage: call stage(...)");
        if (!control && !(ioLayers.isEmpty() && keepFromControl.isEmpty()))
            throw new IllegalStateException("protocol '" + name + "' has noControl(): ioLayers(...) and keepFromControl(...) need a control mask");
        Result result = new Result(name, List.copyOf(stages.keySet()), views.stream().map(View::name).toList());
        if (only >= 0) result.add(runOne(only));
        else for (int r = 0; r < runs; r++) result.add(runOne(r));
        return result;
    }

    private Result.Run runOne(int r) {
        Model model = factory.apply(seed + r);
        Path runDir = dir == null ? null : dir.resolve("run-" + r);
        Train t = Train.of(model).seed(seed + r);
        trainConfig.accept(t);
        var trainSettings = t.settings(train);
        String baseKey = Settings.key(trainSettings);            // the masks belong to this base network
        if (runDir != null) {
            Path ckpt = baseCheckpoint(runDir, model, trainSettings);
            if (Files.exists(ckpt)) {
                // opening it needs the zip's central directory, which a cut file lacks; Train reads the contents
                try (var zip = new java.util.zip.ZipFile(ckpt.toFile())) {
                    if (zip.getEntry("config.properties") == null) throw new IOException("no configuration entry");
                } catch (IOException damaged) {
                    try {
                        Path aside = setAside(ckpt);
                        System.out.println(name + " run " + r + ": the base network's checkpoint could not be read (" + damaged.getMessage()
                                + "); moved to " + aside.getFileName() + ", training it anew");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            String why = Files.exists(ckpt) ? null : closest(Workspace.whyNotReused(runDir, "base-" + archKey(model) + "-", ".ckpt", trainSettings));
            if (why != null) System.out.println(name + " run " + r + ": training a new base network; the closest saved one differs: " + why);
            t.checkpoint(ckpt);
        }
        Long t0 = System.nanoTime();
        t.run(train);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        Map<String, Double> base = checkBase(model, r, t);
        if (beforeMasks != null) beforeMasks.accept(model, r);
        LinkedHashMap<String, WeightMask> masks = new LinkedHashMap<>();
        GradientCarry carry = GradientCarry.fromBase(t.lastGradient());     // faithful clipping carries G across stages
        for (var st : stages.entrySet()) {
            Masks m = Masks.of(model).carry(carry);
            maskConfig.accept(m);
            WeightMask control = masks.isEmpty() || !this.control ? null : masks.values().iterator().next();
            if (control != null && !keepFromControl.isEmpty()) m.freeze(keepFromControl);
            masks.put(st.getKey(), loadOrTrain(model, m, st.getKey(), st.getValue(), runDir, control, baseKey));
        }
        Result.Run run = new Result.Run(r, model, masks, trainSeconds);
        WeightMask control = this.control ? masks.values().iterator().next() : null;
        if (beforeMasks != null) evaluate(run, "unmasked", null);      // the network as changed for the masks
        else {                                                          // as measured by checkBase: no second pass
            for (View v : views) run.accuracy().put("unmasked\u0000" + v.name(), base.get(v.name()));
            run.maskOrder().add("unmasked");
        }
        for (var e : masks.entrySet()) {
            evaluate(run, e.getKey(), e.getValue());
            if (e.getValue() != control && complements) {
                evaluate(run, "¬" + e.getKey(), e.getValue().not());
                if (!ioLayers.isEmpty())
                    evaluate(run, "¬" + e.getKey() + " (I/O full)", e.getValue().not().replace(ioLayers, control));
            }
        }
        return run;
    }

    /** The base network's accuracy per view, printed; says clearly when it misses {@link #requireBase}. */
    private Map<String, Double> checkBase(Model model, int r, Train t) {
        Map<String, Double> acc = new LinkedHashMap<>();
        if (views.isEmpty()) return acc;
        StringBuilder line = new StringBuilder(name + " run " + r + ": base network");
        List<String> below = new ArrayList<>();
        for (View v : views) {
            double a = v.score(model);
            acc.put(v.name(), a);
            line.append(String.format(Locale.ROOT, "  %s %.1f %%", v.name(), 100 * a));
            if (!Double.isNaN(requiredBase) && a < requiredBase) below.add(v.name());
        }
        System.out.println(line);
        if (!below.isEmpty())
            System.out.println(String.format(Locale.ROOT,
                    "WARNING: %s run %d: the base network is below the required %.1f %% on %s after %d steps. Its masks cannot "
                            + "show what the paper tests: train longer (train(..., t -> t.steps(...))) or change the model before "
                            + "reading them.", name, r, 100 * requiredBase, String.join(", ", below), Long.parseLong(t.config().getProperty("steps"))));
        return acc;
    }

    /**
     * The base network's checkpoint, named after the architecture (kind and parameter shapes) and the SHA-256 of the
     * training settings: after a change of either, a run trains a new network beside the old checkpoint, which is
     * neither reused nor overwritten.
     */
    static Path baseCheckpoint(Path runDir, Model model, java.util.Map<String, String> trainSettings) {
        return runDir.resolve("base-" + archKey(model) + "-" + Settings.key(trainSettings) + ".ckpt");
    }

    private WeightMask loadOrTrain(Model model, Masks m, String stage, Dataset data, Path runDir, WeightMask control, String baseKey) {
        // named by the SHA-256 of the mask settings and by the architecture, and holding those settings: after a change
        // of steps, β or the model the mask is trained again and saved beside the old file, which is neither reloaded
        // nor overwritten
        var settings = m.settingsMap();
        settings.put("base", baseKey);
        if (beforeMasks != null) settings.put("before-masks", "yes");          // the network was changed for the masks
        String prefix = "mask-" + fileName(stage) + "-", suffix = "-" + archKey(model) + ".mask";
        Path keyed = runDir == null ? null : runDir.resolve(prefix + Settings.key(settings) + suffix);
        try {
            if (keyed != null && Files.exists(keyed)) {
                WeightMask w;
                try {
                    w = WeightMask.load(keyed);
                } catch (IOException damaged) {      // one bad file costs its stage, not the whole protocol
                    Path aside = setAside(keyed);
                    System.out.println(name + ": mask '" + stage + "' could not be read (" + damaged.getMessage() + "); moved to "
                            + aside.getFileName() + ", training it anew");
                    w = null;
                }
                if (w != null && settings.equals(Settings.read(keyed)) && w.params().equals(m.selected()) && fits(w, model)) {
                    if (m.carry() != null) m.carry().skipStage();
                    System.out.println(name + ": mask '" + stage + "' (β " + Sheet.format(m.beta()) + ") loaded from " + keyed.getFileName() + "; "
                            + org.modmask.Provenance.describe(w.provenance()));
                    return w.named(stage);
                }
            }
            WeightMask start = m.initial(stage);
            if (control != null && !keepFromControl.isEmpty()) start = start.replace(keepFromControl, control);
            // a long stage saves its state beside the mask it will become, so a stopped run resumes it
            Path partial = keyed == null ? null : keyed.resolveSibling(keyed.getFileName() + ".partial");
            // and a finished one keeps its last state under a name without the step count, so that more steps of the
            // same settings go on from it (as one longer run would have) instead of starting over
            Path kept = keyed == null ? null : extendable(runDir, stage, settings, model, m.carry() == null ? null : m.carry().fingerprint());
            boolean extending = false;
            if (partial != null && !Files.exists(partial) && Files.exists(kept)) {
                long at = savedStepOrMinus(kept);
                if (at >= 0 && at < m.steps()) {
                    Files.copy(kept, partial);
                    extending = true;
                    System.out.println(String.format(java.util.Locale.ROOT, "%s: mask '%s' goes on from its saved state at step %,d to %,d steps",
                            name, stage, at, m.steps()));
                }
            }
            if (!extending) {
                String why = runDir == null ? null : closest(Workspace.whyNotReused(runDir, prefix, suffix, settings));
                if (why != null) System.out.println(name + ": training mask '" + stage + "' anew; the closest saved one differs: " + why);
            }
            if (partial != null) m.checkpoint(partial);
            WeightMask w;
            try {
                w = m.train(data.named(stage), start).named(stage);
            } catch (IllegalStateException refused) {
                if (!extending) throw refused;
                // the kept state was made from another start (e.g. another control mask): train from the start
                System.out.println(name + ": mask '" + stage + "' cannot go on from " + kept.getFileName() + " (" + refused.getMessage() + "); training it anew");
                Files.deleteIfExists(partial);
                w = m.train(data.named(stage), start).named(stage);
            }
            if (keyed != null) {
                w.save(keyed, settings);
                if (Files.exists(partial)) {
                    long was = Files.exists(kept) ? savedStepOrMinus(kept) : -1;
                    if (was <= m.steps()) Files.move(partial, kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    else Files.delete(partial);
                }
            }
            return w;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Where a finished mask's last training state is kept: named by its settings without the step count and by the
     * carried gradient it started from (with faithful clipping a later stage's start depends on the earlier stages'
     * steps, so after those changed it must not go on from its old state).
     */
    static Path extendable(Path runDir, String stage, java.util.Map<String, String> settings, Model model, String carryAtStart) {
        var noSteps = new java.util.TreeMap<>(settings);
        noSteps.remove("steps");
        if (carryAtStart != null) noSteps.put("carry-at-start", carryAtStart);
        return runDir.resolve("state-" + fileName(stage) + "-" + Settings.key(noSteps) + "-" + archKey(model) + ".mask.state");
    }

    private static long savedStepOrMinus(Path state) {
        try {
            return Masks.savedStep(state);
        } catch (IOException e) {
            return -1;
        }
    }

    /** Moves a damaged result out of the way (kept for inspection as {@code <name>.damaged}, replacing an older one). */
    static Path setAside(Path file) throws IOException {
        Path aside = file.resolveSibling(file.getFileName() + ".damaged");
        Files.move(file, aside, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return aside;
    }

    /** Of the reasons {@code Workspace.whyNotReused} gives, the one with the fewest differences (null when none). */
    private static String closest(List<String> why) {
        return why.stream().min(Comparator.comparingInt(w -> w.split("; ").length)).orElse(null);
    }

    private static boolean fits(WeightMask w, Model model) {
        try {
            w.checkFits(model);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A short name for the architecture: the model's kind and its parameters' names and shapes. */
    static String archKey(Model model) {
        StringBuilder arch = new StringBuilder(model.kind());
        for (var p : model.parameters()) arch.append('|').append(p.name()).append(java.util.Arrays.toString(p.shape()));
        return Settings.key(java.util.Map.of("architecture", arch.toString())).substring(0, 8);
    }

    private void evaluate(Result.Run run, String maskName, WeightMask mask) {
        for (View v : views) {
            double acc;
            if (mask == null) acc = v.score(run.model());
            else try (var a = mask.apply(run.model())) {
                acc = v.score(run.model());
            }
            run.accuracy().put(maskName + "\u0000" + v.name(), acc);
        }
        run.maskOrder().add(maskName);
    }

    /** A file-name-safe form of a stage name: other characters become their code point ("+" → "u2b"). */
    private static String fileName(String stage) {
        StringBuilder b = new StringBuilder();
        stage.codePoints().forEach(c -> {
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-' || c == '.')) b.appendCodePoint(c);
            else b.append('u').append(Integer.toHexString(c));
        });
        return b.toString();
    }
}
