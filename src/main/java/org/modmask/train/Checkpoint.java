package org.modmask.train;

import org.modmask.nn.Model;
import org.modmask.nn.Param;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.*;
import java.nio.file.*;
import java.util.*;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A training checkpoint: parameters, Adam state, configuration and the position of the random streams
 * (our samplers are counter-based, so the step number is the RNG state). Written atomically: the data go to
 * a temporary file in the same directory, are synced to disk, and only then replace the previous checkpoint.
 */
public final class Checkpoint {
    /**
     * What a checkpoint holds. {@code lastGradient} is the last step's clipped gradient (empty when unknown): the
     * reference's mask training starts its frozen-weight gradient from it ({@code mask.GradientCarry}).
     */
    public record State(Properties config, long step, Map<String, INDArray> params,
                        long adamSteps, Map<String, INDArray> adamM, Map<String, INDArray> adamV,
                        Map<String, INDArray> lastGradient) {
        public State(Properties config, long step, Map<String, INDArray> params,
                     long adamSteps, Map<String, INDArray> adamM, Map<String, INDArray> adamV) {
            this(config, step, params, adamSteps, adamM, adamV, Map.of());
        }
    }

    private Checkpoint() {
    }

    /** Saves atomically; on any failure the previous file at {@code path} is left untouched. */
    public static void save(Path path, State s) throws IOException {
        save(path, s, null);
    }

    /** {@link #save(Path, State)} with the run's manifest ({@link org.modmask.Provenance}), when known. */
    public static void save(Path path, State s, java.util.Map<String, String> provenance) throws IOException {
        org.modmask.AtomicFile.write(path, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                Properties meta = new Properties();
                meta.putAll(s.config());
                meta.setProperty("checkpoint.step", Long.toString(s.step()));
                meta.setProperty("checkpoint.adamSteps", Long.toString(s.adamSteps()));
                meta.setProperty("checkpoint.params", String.join(",", s.params().keySet()));
                zip.putNextEntry(new ZipEntry("config.properties"));
                meta.store(zip, "modmask checkpoint");
                zip.closeEntry();
                // what made it, in the form every result uses
                org.modmask.Settings.writeEntry(zip, org.modmask.Settings.ENTRY, Train.settingsOf(s.config()));
                org.modmask.Settings.writeEntry(zip, org.modmask.Provenance.ENTRY, provenance);
                writeArrays(zip, "param/", s.params());
                writeArrays(zip, "adam.m/", s.adamM());
                writeArrays(zip, "adam.v/", s.adamV());
                writeArrays(zip, "grad/", s.lastGradient());
            }
        });
    }

    /** Writes each array as a zip entry {@code prefix + name} (ND4J's format); masks and their training state use it too. */
    public static void writeArrays(ZipOutputStream zip, String prefix, Map<String, INDArray> arrays) throws IOException {
        for (var e : arrays.entrySet()) {
            zip.putNextEntry(new ZipEntry(prefix + e.getKey()));
            DataOutputStream dos = new DataOutputStream(zip);
            Nd4j.write(e.getValue(), dos);
            dos.flush();
            zip.closeEntry();
        }
    }

    /**
     * The innermost message of an exception chain, with its type: ND4J wraps a truncated stream as "Unexpected end of
     * ZLIB input stream" deep inside, and the outer messages say less.
     */
    public static String rootMessage(Throwable t) {
        String msg = t.toString();
        for (Throwable c = t; c != null; c = c.getCause()) if (c.getMessage() != null) msg = c.getClass().getSimpleName() + ": " + c.getMessage();
        return msg;
    }

    /** Reads a checkpoint without applying it. */
    public static State read(Path path) throws IOException {
        if (!Files.exists(path)) throw new FileNotFoundException("no checkpoint at " + path);
        Properties meta = new Properties();
        Map<String, INDArray> params = new LinkedHashMap<>(), m = new LinkedHashMap<>(), v = new LinkedHashMap<>(), grad = new LinkedHashMap<>();
        // ZipFile, not a stream: it needs the central directory at the end, so a truncated file fails here instead of
        // loading the entries before the cut
        try (java.util.zip.ZipFile zf = new java.util.zip.ZipFile(path.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zf.entries())) {
                String n = e.getName();
                java.io.InputStream zip = new BufferedInputStream(zf.getInputStream(e));
                if (n.equals("config.properties")) meta.load(zip);
                else if (!n.contains("/")) zip.readAllBytes();   // settings and manifest, for Settings.read and Provenance.read
                else {
                    INDArray a = Nd4j.read(new DataInputStream(zip));
                    if (n.startsWith("param/")) params.put(n.substring(6), a);
                    else if (n.startsWith("adam.m/")) m.put(n.substring(7), a);
                    else if (n.startsWith("adam.v/")) v.put(n.substring(7), a);
                    else if (n.startsWith("grad/")) grad.put(n.substring(5), a);
                }
            }
        } catch (IOException | RuntimeException ex) {
            throw new IOException("checkpoint " + path + " is damaged or not a modmask checkpoint: " + rootMessage(ex), ex);
        }
        if (!meta.containsKey("checkpoint.step")) throw new IOException("checkpoint " + path + " has no configuration entry");
        long step = Long.parseLong(meta.getProperty("checkpoint.step"));
        long adamSteps = Long.parseLong(meta.getProperty("checkpoint.adamSteps", "0"));
        // keep the parameter order of the file
        LinkedHashMap<String, INDArray> ordered = new LinkedHashMap<>();
        for (String name : meta.getProperty("checkpoint.params", "").split(","))
            if (params.containsKey(name)) ordered.put(name, params.get(name));
        params.forEach(ordered::putIfAbsent);
        return new State(meta, step, ordered, adamSteps, m, v, grad);
    }

    /** Checks that a checkpoint's parameters are exactly the model's (names and shapes). */
    public static void checkCompatible(State s, Model model, Path path) {
        List<String> problems = new ArrayList<>();
        for (Param p : model.parameters()) {
            INDArray a = s.params().get(p.name());
            if (a == null) problems.add("missing '" + p.name() + "'");
            else if (!Arrays.equals(a.shape(), p.shape()))
                problems.add("'" + p.name() + "' has shape " + Arrays.toString(a.shape()) + ", expected " + Arrays.toString(p.shape()));
        }
        for (String n : model.stateNames())
            if (!s.params().containsKey(n)) problems.add("missing running statistic '" + n + "'");
        for (String n : s.params().keySet())
            if (!model.hasParam(n) && !model.stateNames().contains(n)) problems.add("unexpected '" + n + "'");
        if (!problems.isEmpty())
            throw new IllegalArgumentException("checkpoint " + path + " (model '" + s.config().getProperty("model", "?")
                    + "') does not fit " + model.kind() + ": " + String.join("; ", problems));
    }
}
