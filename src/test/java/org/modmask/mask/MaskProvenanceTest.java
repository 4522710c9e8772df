package org.modmask.mask;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.Provenance;
import org.modmask.Toy;
import org.modmask.Workspace;
import org.modmask.nn.Mlp;
import org.modmask.nn.Model;
import org.modmask.train.Progress;

import java.nio.file.Path;
import java.util.concurrent.CancellationException;

import static org.junit.jupiter.api.Assertions.*;

/** A trained mask carries its manifest: in memory, in its file, and across a stop and a resume (two sittings). */
class MaskProvenanceTest {
    @Test
    void aMaskStoppedAndResumedKnowsBothSittings(@TempDir Path dir) throws Exception {
        Progress.Factory.quiet(true);
        Model m = Mlp.classifier(20, new int[]{8}, 10, 3);
        var d = Toy.addMod10();
        Path state = dir.resolve("m.partial");
        Masks first = Masks.of(m).steps(30).batchSize(16).checkpoint(state);
        first.stopAt = 12;
        assertThrows(CancellationException.class, () -> first.train(d));
        var saved = Provenance.read(state);
        assertEquals("12", saved.get("steps"), saved.toString());
        assertEquals("1", saved.get("sittings"));

        WeightMask w = Masks.of(m).steps(30).batchSize(16).checkpoint(state).train(d);
        var p = w.provenance();
        assertEquals("30", p.get("steps"));
        assertEquals("2", p.get("sittings"), "the resumed run is the second sitting");
        assertEquals(saved.get("started"), p.get("started"), "the run started in the first sitting");
        assertTrue(Double.parseDouble(p.get("wall.seconds")) >= Double.parseDouble(saved.get("wall.seconds")), p.toString());
        assertEquals(Provenance.codeVersion(), p.get("code"));
        assertEquals(p, w.named("other").provenance(), "renaming keeps it");

        Path file = dir.resolve("m.mask");
        w.save(file, Masks.of(m).steps(30).settingsMap());
        assertEquals(p, WeightMask.load(file).provenance(), "saved and loaded with the mask");
        assertEquals(p, Provenance.read(file));
        String line = Provenance.describe(p);
        assertTrue(line.startsWith("trained 20") && line.contains("over 2 sittings") && line.contains("30 steps"), line);
        assertFalse(line.contains("not this code"), line);

        var runs = Workspace.runs(dir);
        assertEquals(2, runs.rowCount(), runs.print());
        assertEquals("mask", runs.stringColumn("kind").get(0), runs.print());
        assertEquals("complete", runs.stringColumn("status").get(0), runs.print());
        assertEquals(30, runs.longColumn("steps").get(0));
        assertEquals("mask training state", runs.stringColumn("kind").get(1));
        assertEquals("complete", runs.stringColumn("status").get(1), "its state holds all 30 steps: " + runs.print());

        var older = new java.util.TreeMap<>(p);
        older.put("code", "0.0.1 classes 00000000");
        w.named("old").provenance(older).save(dir.resolve("old.mask"), null);
        first.stopAt = 5;
        Path half = dir.resolve("half.partial");
        first.checkpoint(half);
        assertThrows(CancellationException.class, () -> first.train(d));
        runs = Workspace.runs(dir);
        assertEquals(java.util.List.of("half.partial", "m.mask", "m.partial", "old.mask"), runs.stringColumn("file").asList());
        assertEquals(java.util.List.of("partial", "complete", "complete", "older code"), runs.stringColumn("status").asList(), runs.print());
        assertTrue(Provenance.describe(Provenance.read(dir.resolve("old.mask"))).contains("not this code"));

        assertEquals(java.util.List.of(dir.resolve("half.partial"), dir.resolve("old.mask")), Workspace.remove(dir, "partial", "older code"));
        assertEquals(2, Workspace.runs(dir).rowCount());
        var bad = assertThrows(IllegalArgumentException.class, () -> Workspace.remove(dir, "old"));
        assertTrue(bad.getMessage().contains("'old'"), bad.getMessage());
    }
}
