package org.modmask.experiment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.analysis.HalfMask;
import org.modmask.data.TwoOps;
import org.modmask.mask.WeightMask;
import org.modmask.nn.Mlp;
import org.modmask.train.Progress;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A smoke run of the protocol runner at tiny size, its saved results, and the inverse/half-mask logic. */
class ProtocolTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void anUndertrainedBaseNetworkIsReportedAtTheBaseStep() {
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        Result r;
        System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            r = Protocol.of("two ops", seed -> Mlp.classifier(22, new int[]{16}, 10, seed))
                    .train(TwoOps.all(), t -> t.steps(2)).requireBase(0.99)
                    .masks(m -> m.steps(2))
                    .stage("control", TwoOps.all())
                    .view("+", TwoOps.only(TwoOps.Op.ADD)).view("×", TwoOps.only(TwoOps.Op.MUL))
                    .run();
        } finally {
            System.setOut(old);
        }
        String out = buf.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(out.contains("two ops run 0: base network  + "), out);
        assertTrue(out.contains("WARNING: two ops run 0: the base network is below the required 99.0 % on +, × after 2 steps"), out);
        assertTrue(r.lowestAccuracy("unmasked") < 99, "2 steps cannot learn the task");
        assertEquals(r.lowestAccuracy("unmasked"), Math.min(r.accuracy("unmasked", "+")[0], r.accuracy("unmasked", "×")[0]), 0.01);
        assertThrows(IllegalArgumentException.class, () -> Protocol.of("x", seed -> null).requireBase(99));
    }

    @Test
    void scoredViewsAndNoComplements() {
        var seen = new java.util.ArrayList<Integer>();
        Result r = Protocol.of("two ops", seed -> Mlp.classifier(22, new int[]{16}, 10, seed))
                .train(TwoOps.all(), t -> t.steps(20))
                .masks(m -> m.steps(5))
                .stage("control", TwoOps.all()).stage("+", TwoOps.only(TwoOps.Op.ADD))
                .scoredView("size", TwoOps.only(TwoOps.Op.ADD), (model, data) -> {    // a scorer sees the model and the view's data
                    seen.add(data.size());
                    return 0.25;
                })
                .complements(false)
                .run();
        assertEquals(List.of("unmasked", "control", "+"), r.accuracy().stringColumn("mask").asList(), "no ¬ rows");
        assertEquals(25.0, r.accuracy("+", "size")[0], 1e-9);
        assertEquals(3, seen.size());
        assertTrue(seen.stream().allMatch(n -> n == TwoOps.only(TwoOps.Op.ADD).size()));
    }

    @Test
    void withoutAControlMaskEveryStageGetsItsComplement() {
        Result r = Protocol.of("two ops", seed -> Mlp.classifier(22, new int[]{16}, 10, seed))
                .train(TwoOps.all(), t -> t.steps(20))
                .masks(m -> m.steps(5))
                .stage("+", TwoOps.only(TwoOps.Op.ADD)).stage("×", TwoOps.only(TwoOps.Op.MUL))
                .view("all", TwoOps.all())
                .noControl()
                .run();
        assertEquals(List.of("unmasked", "+", "¬+", "×", "¬×"), r.accuracy().stringColumn("mask").asList());
        assertEquals(List.of("mask", "all"), r.accuracy().columnNames(), "one run: no ± columns (no \"± 0\")");
        assertEquals(List.of("param", "iou", "iomin"), r.iou("+", "×").columnNames());
        var net = r.run(0).model();
        assertEquals(r.mask("+", 0).not().accuracy(net, TwoOps.all()), r.accuracy("¬+", "all")[0] / 100, 1e-4,
                "the first stage's complement is evaluated like any other");
        assertThrows(IllegalStateException.class, () -> Protocol.of("x", seed -> Mlp.classifier(22, new int[]{16}, 10, seed))
                .train(TwoOps.all(), t -> t.steps(1)).stage("+", TwoOps.all()).ioLayers("layers.0.weight").noControl().run());
    }

    @Test
    void runsStagesEvaluatesComplementsAndReusesSavedResults(@TempDir Path dir) {
        Protocol p = Protocol.of("two ops", seed -> Mlp.classifier(22, new int[]{32}, 10, seed))
                .train(TwoOps.all(), t -> t.steps(100))
                .masks(m -> m.steps(20))
                .stage("control", TwoOps.all()).stage("+", TwoOps.only(TwoOps.Op.ADD)).stage("×", TwoOps.only(TwoOps.Op.MUL))
                .view("+", TwoOps.only(TwoOps.Op.ADD)).view("×", TwoOps.only(TwoOps.Op.MUL))
                .ioLayers("layers.0.weight", "layers.1.weight")
                .runs(2).dir(dir);
        Result r = p.run();
        assertEquals(2, r.runs().size());
        assertTrue(r.accuracy().containsColumn("+ ±") && r.iou("+", "×").containsColumn("iou ±"), "two runs: their spread");
        assertEquals(List.of("unmasked", "control", "+", "¬+", "¬+ (I/O full)", "×", "¬×", "¬× (I/O full)"),
                r.accuracy().stringColumn("mask").asList());
        assertTrue(hasFile(dir.resolve("run-1"), "base-") && hasFile(dir.resolve("run-0"), "mask-u2b-"));
        try (var files = Files.list(dir.resolve("run-0"))) {
            assertEquals(0, files.filter(f -> f.toString().endsWith(".partial")).count(), "a finished stage leaves no training state behind");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertEquals(2, r.iou("+", "×").rowCount());
        assertEquals(6, r.convergence().rowCount());
        // the one-number summaries agree with the tables
        assertEquals(r.accuracy().doubleColumn("×").get(2), r.accuracy("+", "×")[0], 1e-9);
        var kept = r.convergence().doubleColumn("kept %");
        assertEquals((kept.get(1) + kept.get(4)) / 2, r.kept("+")[0], 0.011);
        // the complement keeps exactly what the mask removes
        WeightMask plus = r.mask("+", 0);
        assertEquals(plus.size() - plus.keptCount(), plus.not().keptCount());
        // the I/O variant takes the control mask's input and output layers
        WeightMask io = plus.not().replace(List.of("layers.0.weight", "layers.1.weight"), r.mask("control", 0));
        assertEquals(r.mask("control", 0).keptCount(), io.keptCount());

        // a second run finds the checkpoints and masks and re-evaluates only
        Result again = p.run();
        assertEquals(r.accuracy().doubleColumn("+").asList(), again.accuracy().doubleColumn("+").asList());
        for (String n : plus.params()) assertEquals(plus.logits(n), again.mask("+", 0).logits(n));

        // changed mask settings: the saved masks do not match and are trained anew beside the old ones
        Result longer = p.masks(m -> m.steps(25)).runs(1).run();
        assertEquals(2, countFiles(dir.resolve("run-0"), "mask-u2b-"));
        assertNotEquals(plus.logits("layers.0.weight"), longer.mask("+", 0).logits("layers.0.weight"));
    }

    @Test
    void aDamagedSavedMaskOrBaseIsSetAsideAndTrainedAgain(@TempDir Path dir) throws Exception {
        Protocol p = Protocol.of("two ops", seed -> Mlp.classifier(22, new int[]{16}, 10, seed))
                .train(TwoOps.all(), t -> t.steps(50))
                .masks(m -> m.steps(10))
                .stage("control", TwoOps.all()).stage("+", TwoOps.only(TwoOps.Op.ADD))
                .view("+", TwoOps.only(TwoOps.Op.ADD)).dir(dir);
        Result first = p.run();
        Path run = dir.resolve("run-0");
        try (var files = Files.list(run)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".mask") || f.toString().endsWith(".ckpt")).toList()) {
                byte[] b = Files.readAllBytes(f);
                Files.write(f, java.util.Arrays.copyOf(b, b.length / 2));        // a save cut short
            }
        }
        var out = new java.io.ByteArrayOutputStream();
        var old = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        Result again;
        try {
            again = p.run();
        } finally {
            System.setOut(old);
        }
        String said = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(said.contains("the base network's checkpoint could not be read") && said.contains("mask 'control' could not be read"), said);
        assertEquals(first.accuracy().doubleColumn("+").asList(), again.accuracy().doubleColumn("+").asList(),
                "trained again from the same seeds: the same results");
        try (var files = Files.list(run)) {
            assertEquals(3, files.filter(f -> f.toString().endsWith(".damaged")).count(), "the damaged files are kept for inspection");
        }
    }

    private static boolean hasFile(Path dir, String prefix) {
        return countFiles(dir, prefix) > 0;
    }

    private static long countFiles(Path dir, String prefix) {
        try (var s = Files.list(dir)) {
            return s.filter(f -> f.getFileName().toString().startsWith(prefix)).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void halfMaskSplitsTheSortedTensorsIntoEarlyAndLate() {
        var m = Mlp.classifier(22, new int[]{8, 8}, 10, 1);
        WeightMask all = WeightMask.constant("control", m, List.of("layers.0.weight", "layers.1.weight", "layers.2.weight"), 1);
        var t = HalfMask.table(m, all, TwoOps.all());
        assertEquals("layers.0.weight, layers.1.weight", t.stringColumn("params").get(1));
        assertEquals("layers.2.weight", t.stringColumn("params").get(2));
        assertEquals(0.0, t.doubleColumn("drop %").get(1), 1e-9, "a keep-everything mask drops nothing");
    }

    @Test
    void laterStagesCanKeepTheControlMasksOutputLayer() {
        Result r = Protocol.of("keep last", seed -> Mlp.classifier(22, new int[]{32}, 10, seed))
                .train(TwoOps.all(), t -> t.steps(50))
                .masks(m -> m.steps(30).maskBiases(true))
                .stage("control", TwoOps.all()).stage("+", TwoOps.only(TwoOps.Op.ADD))
                .view("+", TwoOps.only(TwoOps.Op.ADD))
                .keepFromControl("layers.1.weight", "layers.1.bias")
                .run();
        WeightMask control = r.mask("control", 0), plus = r.mask("+", 0);
        assertEquals(control.logits("layers.1.weight"), plus.logits("layers.1.weight"));
        assertEquals(control.logits("layers.1.bias"), plus.logits("layers.1.bias"));
        assertNotEquals(control.logits("layers.0.weight"), plus.logits("layers.0.weight"));
    }

    /** A changed architecture or training setting gets its own base checkpoint name; the model's seed alone does not. */
    @Test
    void baseCheckpointIsNamedAfterTheArchitectureAndTheTrainingSettings(@TempDir Path dir) {
        var narrow = Mlp.classifier(22, new int[]{8}, 10, 1);
        var wide = Mlp.classifier(22, new int[]{16}, 10, 1);
        var settings = org.modmask.train.Train.of(narrow).steps(2).settings(TwoOps.all());
        Path a = Protocol.baseCheckpoint(dir, narrow, settings), b = Protocol.baseCheckpoint(dir, wide, settings);
        assertNotEquals(a, b);
        assertEquals(a, Protocol.baseCheckpoint(dir, Mlp.classifier(22, new int[]{8}, 10, 2), settings), "the initialization seed does not change the name");
        assertNotEquals(a, Protocol.baseCheckpoint(dir, narrow, org.modmask.train.Train.of(narrow).steps(2).lr(3e-3).settings(TwoOps.all())));
        assertNotEquals(a, Protocol.baseCheckpoint(dir, narrow, org.modmask.train.Train.of(narrow).steps(2).settings(TwoOps.only(TwoOps.Op.ADD))),
                "other training data: another network");
    }

    /** Change one training setting, then one mask setting: each next run trains anew beside the old files and says which setting differs. */
    @Test
    void aChangedSettingTrainsAnewAndNamesTheDifference(@TempDir Path dir) throws Exception {
        java.util.function.BiFunction<Double, Long, Protocol> protocol = (lr, maskSteps) -> Protocol.of("two ops", seed -> Mlp.classifier(22, new int[]{8}, 10, seed))
                .train(TwoOps.all(), t -> t.steps(5).lr(lr)).masks(m -> m.steps(maskSteps)).stage("control", TwoOps.all()).dir(dir);
        protocol.apply(1e-3, 3L).run();
        String quiet = printed(() -> protocol.apply(1e-3, 3L).run());
        assertFalse(quiet.contains("differs"), "same settings: everything reused\n" + quiet);

        String lr = printed(() -> protocol.apply(2e-3, 3L).run());
        assertTrue(lr.contains("training a new base network") && lr.contains("lr 0.001 → 0.002"), lr);
        assertEquals(2, countFiles(dir.resolve("run-0"), "base-"), "the old base network stays beside the new one");

        String beta = printed(() -> Protocol.of("two ops", seed -> Mlp.classifier(22, new int[]{8}, 10, seed))
                .train(TwoOps.all(), t -> t.steps(5).lr(2e-3)).masks(m -> m.steps(3).beta(2e-4)).stage("control", TwoOps.all()).dir(dir).run());
        assertFalse(beta.contains("training a new base network"), "the base network of the same settings is reused\n" + beta);
        assertTrue(beta.contains("training mask 'control' anew") && beta.contains("beta 1.0E-4 → 2.0E-4"), beta);
        Path run0 = dir.resolve("run-0");
        java.util.List<String> why;
        try (var files = Files.list(run0)) {
            Path newest = files.filter(f -> f.getFileName().toString().startsWith("mask-")).toList().get(0);
            why = org.modmask.Workspace.whyNotReused(run0, "mask-control-", ".mask", org.modmask.Settings.read(newest));
        }
        assertFalse(why.isEmpty(), "Workspace explains the other mask files");
    }

    /** More mask steps of the same settings go on from the finished mask's kept state and end as one longer run would. */
    @Test
    void moreMaskStepsGoOnFromTheFinishedState(@TempDir Path dir, @TempDir Path fresh, @TempDir Path logitClip) {
        java.util.function.BiFunction<Long, Path, Protocol> protocol = (maskSteps, d) -> Protocol.of("two ops", seed -> Mlp.classifier(22, new int[]{8}, 10, seed))
                .train(TwoOps.all(), t -> t.steps(5)).masks(m -> m.steps(maskSteps)).stage("control", TwoOps.all()).stage("+", TwoOps.only(TwoOps.Op.ADD))
                .complements(false).dir(d);
        protocol.apply(6L, dir).run();
        String more = printed(() -> protocol.apply(10L, dir).run());
        // the control stage goes on; '+' started (faithful clipping) from the carried gradient of a 6-step control
        // stage, so it is trained anew
        assertTrue(more.contains("mask 'control' goes on from its saved state at step 6 to 10 steps")
                && !more.contains("mask '+' goes on from"), more);
        Result extended = protocol.apply(10L, dir).run(), straight = protocol.apply(10L, fresh).run();
        for (String stage : List.of("control", "+")) {
            WeightMask a = extended.mask(stage, 0), b = straight.mask(stage, 0);
            for (String p : a.params()) assertEquals(b.logits(p), a.logits(p), stage + ": " + p + " bit for bit");
        }
        String fewer = printed(() -> protocol.apply(4L, dir).run());
        assertFalse(fewer.contains("goes on from"), "a state past the asked steps is not used\n" + fewer);

        // without a carried gradient (logit clipping) every stage goes on
        java.util.function.LongFunction<Protocol> logits = maskSteps -> Protocol.of("two ops", seed -> Mlp.classifier(22, new int[]{8}, 10, seed))
                .train(TwoOps.all(), t -> t.steps(5)).masks(m -> m.steps(maskSteps).clipping(org.modmask.mask.Clipping.LOGITS))
                .stage("control", TwoOps.all()).stage("+", TwoOps.only(TwoOps.Op.ADD)).complements(false).dir(logitClip);
        logits.apply(6L).run();
        String both = printed(() -> logits.apply(10L).run());
        assertTrue(both.contains("mask 'control' goes on from") && both.contains("mask '+' goes on from"), both);
    }

    private static String printed(Runnable r) {
        var was = System.out;
        var buf = new java.io.ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(was);
        }
        return buf.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The same protocol with a wider network in the same directory: its masks are trained anew; the old files stay. */
    @Test
    void masksOfAnotherArchitectureAreNeitherReloadedNorOverwritten(@TempDir Path dir) throws java.io.IOException {
        java.util.function.IntFunction<Protocol> protocol = width -> Protocol.of("w" + width, seed -> Mlp.classifier(22, new int[]{width}, 10, seed))
                .train(TwoOps.all(), t -> t.steps(5)).masks(m -> m.steps(3)).stage("control", TwoOps.all()).dir(dir);
        protocol.apply(8).run();
        java.util.Map<Path, byte[]> before = new java.util.HashMap<>();
        try (var files = Files.list(dir.resolve("run-0"))) {
            for (Path f : files.toList()) before.put(f, Files.readAllBytes(f));
        }
        Result wide = protocol.apply(16).run();
        assertArrayEquals(new long[]{16, 22}, wide.mask("control", 0).logits("layers.0.weight").shape());
        for (var e : before.entrySet()) assertArrayEquals(e.getValue(), Files.readAllBytes(e.getKey()), e.getKey() + " untouched");
        try (var files = Files.list(dir.resolve("run-0"))) {
            assertEquals(before.size() * 2, files.count(), "a base checkpoint and a mask for each width");
        }
    }
}
