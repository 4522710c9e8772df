package org.modmask.train;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.Toy;
import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.nn.Mlp;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class CheckpointTest {
    @BeforeAll
    static void quiet() {
        Progress.Factory.quiet(true);
    }

    @Test
    void resumedTrainingIsBitIdenticalToAnUninterruptedRun(@TempDir Path dir) {
        Dataset d = Toy.addMod10();
        Model straight = Mlp.classifier(20, new int[]{32}, 10, 3);
        Train.of(straight).steps(40).batchSize(16).run(d);

        Model resumed = Mlp.classifier(20, new int[]{32}, 10, 3);
        Path ck = dir.resolve("net.ckpt");
        Train.of(resumed).steps(20).batchSize(16).checkpoint(ck).checkpointEvery(10).run(d);
        Model fresh = Mlp.classifier(20, new int[]{32}, 10, 3);           // a new process, so to speak
        Train.of(fresh).steps(40).batchSize(16).checkpoint(ck).checkpointEvery(10).run(d);
        for (var p : straight.parameters())
            assertEquals(straight.get(p.name()), fresh.get(p.name()), "resumed " + p.name() + " differs");
    }

    @Test
    void aRunLoadedOrResumedFromItsCheckpointSaysSoAndWhen(@TempDir Path dir) {
        Path ck = dir.resolve("net.ckpt");
        Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(4).batchSize(8).checkpoint(ck).run(Toy.addMod10());
        var out = new java.io.ByteArrayOutputStream();
        var old = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(4).batchSize(8).checkpoint(ck).run(Toy.addMod10());
            Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(6).batchSize(8).checkpoint(ck).run(Toy.addMod10());
        } finally {
            System.setOut(old);
        }
        String said = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(said.contains("loaded from " + ck + ": all 4 steps done with these settings (key "), said);
        assertTrue(said.contains("; trained 20") && said.contains(" (4 steps, ") && said.contains("code " + org.modmask.Provenance.codeVersion()), said);
        assertTrue(said.contains("resuming at step 4 of 6 from " + ck), said);
        assertFalse(said.contains("0/4"), "no empty progress bar for a run that was already done: " + said);
    }

    @Test
    void aFailedSaveLeavesThePreviousCheckpointIntact(@TempDir Path dir) throws Exception {
        Model m = Mlp.classifier(20, new int[]{8}, 10, 3);
        Path ck = dir.resolve("net.ckpt");
        Train.of(m).steps(5).batchSize(8).checkpoint(ck).run(Toy.addMod10());
        byte[] good = Files.readAllBytes(ck);
        Map<String, INDArray> params = new LinkedHashMap<>(m.snapshot());
        params.put("broken", null);                                      // fails half-way through the write
        Checkpoint.State bad = new Checkpoint.State(new java.util.Properties(), 6, params, 0, Map.of(), Map.of());
        assertThrows(RuntimeException.class, () -> Checkpoint.save(ck, bad));
        assertArrayEquals(good, Files.readAllBytes(ck), "the previous checkpoint must survive a failed save");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file may be left behind");
        }
    }

    @Test
    void aCheckpointOfAnotherModelIsRefusedByName(@TempDir Path dir) {
        Path ck = dir.resolve("net.ckpt");
        Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(2).batchSize(8).checkpoint(ck).run(Toy.addMod10());
        Model other = Mlp.classifier(20, new int[]{16}, 10, 3);
        var e = assertThrows(IllegalArgumentException.class,
                () -> Train.of(other).steps(4).batchSize(8).checkpoint(ck).run(Toy.addMod10()));
        assertTrue(e.getMessage().contains("layers.0.weight") && e.getMessage().contains("[16, 20]"), e.getMessage());
    }

    /** A checkpoint is resumed only under the settings that made it; anything else is refused with the difference named. */
    @Test
    void aCheckpointOfOtherSettingsIsNeverResumed(@TempDir Path dir) throws Exception {
        Path ck = dir.resolve("net.ckpt");
        Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(4).batchSize(8).checkpoint(ck).run(Toy.addMod10());
        assertEquals("0.001", org.modmask.Settings.read(ck).get("lr"), "the checkpoint stores its settings");
        var lr = assertThrows(IllegalStateException.class,
                () -> Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(4).batchSize(8).lr(3e-3).checkpoint(ck).run(Toy.addMod10()));
        assertTrue(lr.getMessage().contains("lr 0.001 → 0.003") && lr.getMessage().contains(ck.toString()), lr.getMessage());
        var fewer = assertThrows(IllegalStateException.class,
                () -> Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(2).batchSize(8).checkpoint(ck).run(Toy.addMod10()));
        assertTrue(fewer.getMessage().contains("step 4"), fewer.getMessage());
        // more steps with the same settings: the run continues
        Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(6).batchSize(8).checkpoint(ck).run(Toy.addMod10());
        assertEquals(6, Checkpoint.read(ck).step());
    }

    /** An interrupt (JJava only sets the thread's flag) stops training after the current step, with that step saved. */
    @Test
    void aCheckpointNamedBySettingsStartsANewFileWhenASettingChanges(@TempDir Path dir) throws Exception {
        Train a = Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(4).batchSize(8).lr(1e-3).checkpointIn(dir, "scratch-jump-0");
        a.run(Toy.addMod10());
        Path first = a.checkpointFor(Toy.addMod10());
        assertTrue(Files.exists(first) && first.getFileName().toString().startsWith("scratch-jump-0-"), first.toString());
        Train b = Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(4).batchSize(8).lr(3e-3).checkpointIn(dir, "scratch-jump-0");
        b.run(Toy.addMod10());                              // no refusal: another file
        assertNotEquals(first, b.checkpointFor(Toy.addMod10()));
        assertTrue(Files.exists(b.checkpointFor(Toy.addMod10())));
        Model again = Mlp.classifier(20, new int[]{8}, 10, 3);
        Train c = Train.of(again).steps(4).batchSize(8).lr(1e-3).checkpointIn(dir, "scratch-jump-0");
        assertEquals(first, c.checkpointFor(Toy.addMod10()), "the old settings find the old file");
        c.run(Toy.addMod10());
        Model loaded = Mlp.classifier(20, new int[]{8}, 10, 3);
        Train.of(loaded).steps(4).batchSize(8).lr(1e-3).checkpoint(first).run(Toy.addMod10());
        assertEquals(loaded.get("layers.0.weight"), again.get("layers.0.weight"), "loaded, not trained anew");
    }

    @Test
    void anInterruptStopsTrainingWithTheStepSaved(@TempDir Path dir) throws Exception {
        Path ck = dir.resolve("net.ckpt");
        var e = assertThrows(java.util.concurrent.CancellationException.class, () -> Train.of(Mlp.classifier(20, new int[]{8}, 10, 3))
                .steps(50).batchSize(8).checkpoint(ck).checkpointEvery(1000)
                .listener(i -> {
                    if (i.step() == 3) Thread.currentThread().interrupt();
                }).run(Toy.addMod10()));
        assertTrue(e.getMessage().contains("step 3 of 50") && e.getMessage().contains(ck.toString()), e.getMessage());
        assertFalse(Thread.currentThread().isInterrupted(), "the flag is consumed");
        assertEquals(3, Checkpoint.read(ck).step(), "the interrupted step is saved");
        Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(5).batchSize(8).checkpoint(ck).run(Toy.addMod10());
        assertEquals(5, Checkpoint.read(ck).step(), "and a second run resumes from it");
    }

    /** A checkpoint carries its manifest; a resumed run adds a sitting, keeps the start time and sums the wall time. */
    @Test
    void aCheckpointCarriesItsManifestAcrossSittings(@TempDir Path dir) throws Exception {
        Path ck = dir.resolve("net.ckpt");
        Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(4).batchSize(8).checkpoint(ck).run(Toy.addMod10());
        var first = org.modmask.Provenance.read(ck);
        assertEquals("4", first.get("steps"));
        assertEquals("1", first.get("sittings"));
        for (String k : java.util.List.of("code", "preset", "machine", "java", "threads", "started", "ended", "wall.seconds"))
            assertTrue(first.containsKey(k), k + " in " + first);
        Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(6).batchSize(8).checkpoint(ck).run(Toy.addMod10());
        var second = org.modmask.Provenance.read(ck);
        assertEquals("6", second.get("steps"));
        assertEquals("2", second.get("sittings"));
        assertEquals(first.get("started"), second.get("started"));
        assertTrue(Double.parseDouble(second.get("wall.seconds")) >= Double.parseDouble(first.get("wall.seconds")));
        var runs = org.modmask.Workspace.runs(dir);
        assertEquals("network", runs.stringColumn("kind").get(0));
        assertEquals("complete", runs.stringColumn("status").get(0), runs.print());
    }
}
