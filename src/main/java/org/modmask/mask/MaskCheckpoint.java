package org.modmask.mask;

import org.modmask.AtomicFile;
import org.modmask.Settings;
import org.modmask.train.Checkpoint;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.*;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The state of a mask training between two steps, saved atomically so that a stopped run (an interrupt, a closed
 * laptop, the end of a session) goes on where it was and ends bit-identical to an uninterrupted one: the logits,
 * Adam's moments and step count, the faithful clip's carried gradient and the step. The data order and the noise
 * come from (seed, step), so they need no state. The file also holds the settings, which must match to resume.
 */
final class MaskCheckpoint {
    private MaskCheckpoint() {
    }

    record State(long step, double running, Map<String, INDArray> logits, long adamSteps, Map<String, INDArray> adamM,
                 Map<String, INDArray> adamV, GradientCarry.State carry, Map<String, String> settings, Map<String, String> provenance) {
    }

    static void save(Path path, State s) throws IOException {
        AtomicFile.write(path, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                Settings.writeEntry(zip, Settings.ENTRY, s.settings());
                Settings.writeEntry(zip, org.modmask.Provenance.ENTRY, s.provenance());
                Properties p = new Properties();
                p.setProperty("step", Long.toString(s.step()));
                p.setProperty("running", Double.toString(s.running()));
                p.setProperty("adam.steps", Long.toString(s.adamSteps()));
                if (s.carry() != null) {
                    p.setProperty("carry.oldLogitsSq", Double.toString(s.carry().oldLogitsSq()));
                    p.setProperty("carry.lastLogitsSq", Double.toString(s.carry().lastLogitsSq()));
                    p.setProperty("carry.factorSum", Double.toString(s.carry().factorSum()));
                    p.setProperty("carry.factorCount", Long.toString(s.carry().factorCount()));
                    p.setProperty("carry.stages", Integer.toString(s.carry().stages()));
                }
                zip.putNextEntry(new ZipEntry("state.properties"));
                p.store(zip, "mask training state");
                zip.closeEntry();
                Checkpoint.writeArrays(zip, "logits/", s.logits());
                Checkpoint.writeArrays(zip, "adam.m/", s.adamM());
                Checkpoint.writeArrays(zip, "adam.v/", s.adamV());
                if (s.carry() != null) Checkpoint.writeArrays(zip, "carry/", s.carry().g());
            }
        });
    }

    /** The step a saved state is at, read without its arrays. */
    static long step(Path path) throws IOException {
        try (ZipFile zf = new ZipFile(path.toFile())) {
            ZipEntry e = zf.getEntry("state.properties");
            if (e == null) throw new IOException("mask training state " + path + " lacks its step: not a mask training state");
            Properties p = new Properties();
            try (InputStream in = zf.getInputStream(e)) {
                p.load(in);
            }
            return Long.parseLong(p.getProperty("step"));
        } catch (RuntimeException ex) {
            throw new IOException("mask training state " + path + " is damaged or not one: " + Checkpoint.rootMessage(ex), ex);
        }
    }

    static State read(Path path) throws IOException {
        Properties p = new Properties();
        Map<String, String> settings = null, provenance = null;
        Map<String, Map<String, INDArray>> arrays = new HashMap<>();
        for (String prefix : List.of("logits/", "adam.m/", "adam.v/", "carry/")) arrays.put(prefix, new LinkedHashMap<>());
        try (ZipFile zf = new ZipFile(path.toFile())) {
            for (ZipEntry e : Collections.list(zf.entries())) {
                InputStream in = new BufferedInputStream(zf.getInputStream(e));
                String n = e.getName();
                if (n.equals(Settings.ENTRY)) settings = Settings.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                else if (n.equals(org.modmask.Provenance.ENTRY)) provenance = Settings.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                else if (n.equals("state.properties")) p.load(in);
                else {
                    String prefix = n.substring(0, n.indexOf('/') + 1);
                    Map<String, INDArray> into = arrays.get(prefix);
                    if (into != null) into.put(n.substring(prefix.length()), Nd4j.read(new DataInputStream(in)));
                }
            }
        } catch (IOException | RuntimeException ex) {
            throw new IOException("mask training state " + path + " is damaged or not one: " + Checkpoint.rootMessage(ex), ex);
        }
        if (settings == null || !p.containsKey("step"))
            throw new IOException("mask training state " + path + " lacks its settings or step: not a mask training state");
        GradientCarry.State carry = !p.containsKey("carry.stages") ? null : new GradientCarry.State(arrays.get("carry/"),
                Double.parseDouble(p.getProperty("carry.oldLogitsSq")), Double.parseDouble(p.getProperty("carry.lastLogitsSq")),
                Double.parseDouble(p.getProperty("carry.factorSum")), Long.parseLong(p.getProperty("carry.factorCount")),
                Integer.parseInt(p.getProperty("carry.stages")));
        return new State(Long.parseLong(p.getProperty("step")), Double.parseDouble(p.getProperty("running")), arrays.get("logits/"),
                Long.parseLong(p.getProperty("adam.steps")), arrays.get("adam.m/"), arrays.get("adam.v/"), carry, settings, provenance);
    }
}
