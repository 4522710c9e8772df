package org.modmask.experiment;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.train.Progress;
import tech.tablesaw.api.Table;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** A sweep's grid, its stable run ids, the local executor, and runs that are skipped when done and resumed when not. */
class SweepTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    /** The tiny sweep of the tests: 2 seeds × 2 β, a 16-16 network for 200 steps and a 100-step mask. */
    static Sweep tiny() {
        return Sweep.of("tiny", TwoOpsRun.class).set("hidden", 16).set("steps", 200).set("maskSteps", 100)
                .grid("seed", 1, 2).grid("beta", 1e-3, 3e-3);
    }

    @Test
    void aGridExpandsIntoRunsWithStableIdsFromJavaOrAFile(@TempDir Path dir) throws Exception {
        var runs = tiny().runs();
        assertEquals(4, runs.size());
        assertEquals("1", runs.get(0).settings().get("seed"));
        assertEquals("0.003", runs.get(1).settings().get("beta"), "the last grid setting varies fastest");
        assertEquals(4, runs.stream().map(SweepRun::id).distinct().count());
        assertEquals(runs.get(3).id(), tiny().runs().get(3).id(), "the id depends on the settings alone");
        Path f = dir.resolve("tiny.json");
        Files.writeString(f, """
                {"name": "tiny", "task": "org.modmask.experiment.TwoOpsRun", "set": {"hidden": 16, "steps": 200, "maskSteps": 100},
                 "grid": {"seed": [1, 2], "beta": [0.001, 0.003]}}""");
        assertEquals(runs.stream().map(SweepRun::id).toList(), Sweep.read(f).runs().stream().map(SweepRun::id).toList());
        Files.writeString(f, tiny().toJson());
        assertEquals(runs.stream().map(SweepRun::id).toList(), Sweep.read(f).runs().stream().map(SweepRun::id).toList(), "toJson reads back");
        assertTrue(Files.isExecutable(Sweep.checkout().resolve("environment/sweep")), "the checkout is found from the classes");
        Files.writeString(f, "{\"name\": \"x\"}");
        var e = assertThrows(IllegalArgumentException.class, () -> Sweep.read(f));
        assertTrue(e.getMessage().contains("'task'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Sweep.of("../up", TwoOpsRun.class), "a sweep name is a folder name");
        assertThrows(IllegalArgumentException.class, () -> tiny().grid("seed", 3), "a setting given twice");
    }

    @Test
    void finishedRunsAreSkippedAndAStoppedOneResumes(@TempDir Path root) throws Exception {
        var sweep = tiny();
        Table first = sweep.run(LocalExecutor.of(2), root);
        assertEquals(4, first.rowCount(), first.print());
        assertTrue(first.doubleColumn("base + %").min() >= 0);
        var run = sweep.runs().get(2);
        Path result = SweepResults.dir(root, run).resolve("result.json");
        long before = Files.getLastModifiedTime(result).toMillis();
        assertEquals(first.print(), sweep.run(LocalExecutor.of(2), root).print(), "a second run changes nothing");
        assertEquals(before, Files.getLastModifiedTime(result).toMillis(), "finished runs are not run again");
        Files.delete(result);           // as if killed after its checkpoints were written
        assertTrue(sweep.merge(root).name().contains("missing: " + run.id()), "a run without a result is named");
        assertEquals(first.print(), sweep.run(LocalExecutor.of(1), root).print(), "it resumes from its checkpoints to the same result");
        var bad = Sweep.of("bad", "java.lang.String").grid("seed", 1);
        var f = assertThrows(IllegalStateException.class, () -> bad.run(LocalExecutor.of(1), root));
        assertTrue(f.getMessage().contains("1 of 1 runs") && f.getCause().getMessage().contains("java.lang.String"), f.getMessage());
    }

    /** 01's protocol as a sweep task: one row per network and run, every mask on every view. */
    @Test
    void theAddMulNotebooksRunsAsASweep(@TempDir Path root) throws Exception {
        var t = Sweep.of("addmul-smoke", AddMulRun.class).set("preset", "smoke").grid("network", "fnn", "lstm").grid("run", 0)
                .run(LocalExecutor.of(1), root);
        assertEquals(2, t.rowCount(), t.print());
        for (String c : List.of("unmasked on + %", "¬× on × %", "control kept %", "× undecided %")) assertTrue(t.containsColumn(c), c);
        // written into a notebook's folder, run 1 is what the notebook's protocol finds there: it loads, trains nothing
        Path nb = root.resolve("addmul-notebook");
        Sweep.of("into-notebook", AddMulRun.class).set("preset", "smoke").set("dir", nb.toString()).grid("run", 1).run(LocalExecutor.of(1), root);
        var S = Paper.addMul().scaled(org.modmask.Preset.SMOKE);
        var task = S.task();
        var out = new java.io.ByteArrayOutputStream();
        var was = System.out;
        System.setOut(new java.io.PrintStream(out, true));
        try {
            Protocol.of("FNN", seed -> org.modmask.nn.Mlp.classifier(org.modmask.data.AddMul.INPUTS, S.fnnHidden(), 2, 10, seed))
                    .train(task.train(), S::fnnTraining).requireBase(0.99).masks(S::masks)
                    .stage("control", task.train()).stage("+", task.train(org.modmask.data.AddMul.Op.ADD)).stage("×", task.train(org.modmask.data.AddMul.Op.MUL))
                    .view("+", task.valid(org.modmask.data.AddMul.Op.ADD)).view("×", task.valid(org.modmask.data.AddMul.Op.MUL))
                    .ioLayers("layers.0.weight", "layers." + S.fnnHidden().length + ".weight").onlyRun(1).dir(nb.resolve("fnn")).run();
        } finally {
            System.setOut(was);
        }
        String log = out.toString();
        assertEquals(3, log.split("loaded from mask-", -1).length - 1, "the three masks are loaded: " + log);
        var e = assertThrows(IllegalStateException.class, () -> Sweep.of("bad-net", AddMulRun.class).set("preset", "smoke")
                .grid("network", "cnn").run(LocalExecutor.of(1), root));
        assertTrue(e.getCause().getMessage().contains("fnn or lstm"), e.getCause().getMessage());
    }

    /** 03's two studies as sweep tasks, written into a notebook's folder: the notebook's protocols load every mask. */
    @Test
    void theWidthAndBetaNotebooksStudiesRunAsSweeps(@TempDir Path root) throws Exception {
        var S = Paper.widthBeta().scaled(org.modmask.Preset.SMOKE);
        Path nb = root.resolve("addmul-appendix");
        String net = WidthBetaRun.name(S.betaNet());
        var widths = Sweep.of("wb-width", WidthBetaRun.class).set("preset", "smoke").set("study", "width").set("dir", nb.toString())
                .grid("network", net).grid("run", 0).run(LocalExecutor.of(1), root);
        var betas = Sweep.of("wb-beta", WidthBetaRun.class).set("preset", "smoke").set("study", "beta").set("dir", nb.toString())
                .set("beta", S.betas()[0]).grid("run", 0).run(LocalExecutor.of(1), root);
        assertEquals(1, widths.rowCount(), widths.print());
        for (long steps : new long[]{S.shortSteps(), S.maskSteps()})
            for (String c : List.of("¬+ on × %", "+ kept %", "total shared %")) assertTrue(widths.containsColumn(steps + " steps: " + c), c);
        assertTrue(betas.containsColumn("β 0.0001: control on all %") && betas.containsColumn("β 0.0001: control undecided %"), betas.print());
        var task = S.task();
        java.util.function.BiFunction<Long, Double, Protocol> fnnAt = (steps, b) -> Protocol.of("FNN " + net,
                        seed -> org.modmask.nn.Mlp.classifier(org.modmask.data.AddMul.INPUTS, S.betaNet(), 2, 10, seed))
                .train(task.train(), S::training).requireBase(0.99).masks(S.masks(steps, b))
                .view("+", task.valid(org.modmask.data.AddMul.Op.ADD)).view("×", task.valid(org.modmask.data.AddMul.Op.MUL)).view("all", task.valid())
                .dir(nb.resolve("fnn-" + net));
        String log = captured(() -> {
            fnnAt.apply(S.shortSteps(), S.beta()).stage("+", task.train(org.modmask.data.AddMul.Op.ADD))
                    .stage("×", task.train(org.modmask.data.AddMul.Op.MUL)).noControl().runs(1).run();
            fnnAt.apply(S.betaSteps(S.betas()[0]), S.betas()[0]).stage("control", task.train()).stage("+", task.train(org.modmask.data.AddMul.Op.ADD))
                    .stage("×", task.train(org.modmask.data.AddMul.Op.MUL)).runs(1).run();
        });
        assertEquals(5, log.split("loaded from mask-", -1).length - 1, "2 + 3 masks are loaded: " + log);
        assertEquals(1e-4, S.betas()[0], "the β the test names");
        assertEquals(2, log.split("steps done with these settings", -1).length - 1, "the base network is loaded, not trained: " + log);
        assertTrue(log.contains("smoke preset") && !log.contains("quick preset"), "the manifests name the sweep's preset: " + log);
        var e = assertThrows(IllegalStateException.class, () -> Sweep.of("bad-study", WidthBetaRun.class).set("preset", "smoke")
                .grid("study", "depth").run(LocalExecutor.of(1), root));
        assertTrue(e.getCause().getMessage().contains("width or beta"), e.getCause().getMessage());
    }

    /** The sweep files in environment/sweeps describe the paper preset's runs of 01 and 03, as the notebooks would hand them over. */
    @Test
    void theShippedSweepFilesAreThePaperPresetsRuns() throws Exception {
        Path dir = Path.of("environment/sweeps");
        var addmul = Sweep.read(dir.resolve("paper-addmul.json")).runs();
        assertEquals(2 * Paper.addMul().runs(), addmul.size());
        var W = Paper.widthBeta();
        var width = Sweep.read(dir.resolve("paper-addmul-width.json")).runs();
        assertEquals(W.widths().size() * W.runs(), width.size());
        assertEquals(W.widths().stream().map(WidthBetaRun::name).toList(),
                width.stream().map(r -> r.settings().get("network")).distinct().toList());
        assertEquals(W.runs(), Sweep.read(dir.resolve("paper-addmul-beta.json")).runs().size());
        for (var r : width) assertEquals("paper", r.settings().get("preset"));
    }

    private static String captured(Runnable r) {
        var out = new java.io.ByteArrayOutputStream();
        var was = System.out;
        System.setOut(new java.io.PrintStream(out, true));
        try {
            r.run();
        } finally {
            System.setOut(was);
        }
        return out.toString();
    }

    /** The executor used by the Spark tests, for comparison. */
    static Table local(Path root) throws Exception {
        return tiny().run(LocalExecutor.of(2), root);
    }

    static List<String> rows(Table t) {
        return List.of(t.print().split("\n"));
    }
}
