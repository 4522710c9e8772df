package org.modmask.mask;

import org.modmask.data.Dataset;
import org.modmask.nn.Model;
import org.modmask.train.Eval;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.nd4j.linalg.ops.transforms.Transforms;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.io.*;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * A mask over named parameters: one logit per weight. A weight is <i>kept</i> when its logit is {@code > 0}
 * (the paper's statistics) and used at evaluation when it is {@code ≥ 0}. Parameters not in the mask are left
 * alone. Like {@code torch.nn.utils.prune}, applying a mask sets {@code weight = weight_orig ⊙ mask} from the
 * outside (keeping a copy of {@code weight_orig}) and {@link Applied#close()} copies the original values back,
 * bit for bit.
 * <p>Masks combine with {@link #not()}, {@link #and}, {@link #or} and restrict with {@link #only}; results of
 * those operations carry logits ±1.
 */
public final class WeightMask {
    /** |logit| below this (keep probability between 0.1 and 0.9) counts as undecided. */
    public static final double UNDECIDED = Math.log(9);

    private final String name;
    private final LinkedHashMap<String, INDArray> logits;
    /** What made it ({@link org.modmask.Provenance}): set by training and by {@link #load}; null when unknown. */
    private java.util.SortedMap<String, String> provenance;

    public WeightMask(String name, Map<String, INDArray> logits) {
        if (logits.isEmpty()) throw new IllegalArgumentException("mask '" + name + "' covers no parameter");
        for (var e : logits.entrySet()) {
            // a NaN logit would be neither kept nor removed, and every summary of the mask would quietly be wrong
            if (!Double.isFinite(e.getValue().sumNumber().doubleValue()))
                throw new IllegalArgumentException("mask '" + name + "' has non-finite logits for '" + e.getKey()
                        + "' (NaN or infinite): the training diverged, or the file is damaged");
        }
        this.name = name;
        this.logits = new LinkedHashMap<>(logits);
    }

    /** A mask with every logit equal to {@code value} over the given parameters of a model. */
    public static WeightMask constant(String name, Model model, Collection<String> params, double value) {
        LinkedHashMap<String, INDArray> m = new LinkedHashMap<>();
        for (String p : params) m.put(p, Nd4j.valueArrayOf(model.param(p).shape(), (float) value));
        return new WeightMask(name, m);
    }

    public String name() {
        return name;
    }

    public WeightMask named(String newName) {
        return new WeightMask(newName, logits).provenance(provenance);
    }

    /**
     * When, how long and by which code this mask was trained ({@link org.modmask.Provenance#describe} reads it), or null
     * for a mask made otherwise (combined, constant, or loaded from a file that predates manifests).
     */
    public java.util.SortedMap<String, String> provenance() {
        return provenance == null ? null : java.util.Collections.unmodifiableSortedMap(provenance);
    }

    WeightMask provenance(Map<String, String> p) {
        this.provenance = p == null ? null : new java.util.TreeMap<>(p);
        return this;
    }

    /** The masked parameters, in order. */
    public List<String> params() {
        return List.copyOf(logits.keySet());
    }

    public boolean covers(String param) {
        return logits.containsKey(param);
    }

    /** The logits of one parameter (the live array; do not modify). */
    public INDArray logits(String param) {
        INDArray l = logits.get(param);
        if (l == null) throw new IllegalArgumentException("mask '" + name + "' does not cover '" + param + "'; it covers " + logits.keySet());
        return l;
    }

    /** 1 where the weight is kept ({@code logit > 0}), else 0. */
    public INDArray kept(String param) {
        return logits(param).gt(0).castTo(DataType.FLOAT);
    }

    /** The deterministic evaluation mask ({@code logit ≥ 0}). */
    public INDArray evalMask(String param) {
        return logits(param).gte(0).castTo(DataType.FLOAT);
    }

    public long keptCount(String param) {
        // a counting reduction: gt(0).castTo(...) left two logit-sized arrays (60 MB on the FNN) in native memory
        // until the next collection, every 20 steps of mask training's progress line
        return logits(param).scan(Conditions.greaterThan(0)).longValue();
    }

    public long size(String param) {
        return logits(param).length();
    }

    /** Total kept weights over all masked parameters. */
    public long keptCount() {
        return logits.keySet().stream().mapToLong(this::keptCount).sum();
    }

    /** Total masked weights. */
    public long size() {
        return logits.values().stream().mapToLong(INDArray::length).sum();
    }

    /** Fraction of masked weights kept. */
    public double density() {
        return (double) keptCount() / size();
    }

    /** Fraction of logits still undecided (keep probability between 0.1 and 0.9). */
    public double undecided() {
        long n = 0;
        for (INDArray l : logits.values())
            n += Transforms.abs(l, true).lt(UNDECIDED).castTo(DataType.INT32).sumNumber().longValue();
        return (double) n / size();
    }

    /** Per parameter: kept, total, kept fraction and undecided fraction; plus a total row. */
    public Table summary() {
        Table t = Table.create("mask " + name, StringColumn.create("param"), LongColumn.create("kept"),
                LongColumn.create("total"), DoubleColumn.create("density"), DoubleColumn.create("undecided"));
        long kt = 0, tt = 0, ut = 0;
        for (String p : logits.keySet()) {
            long k = keptCount(p), n = size(p);
            long u = Transforms.abs(logits.get(p), true).lt(UNDECIDED).castTo(DataType.INT32).sumNumber().longValue();
            t.stringColumn("param").append(p);
            t.longColumn("kept").append(k);
            t.longColumn("total").append(n);
            t.doubleColumn("density").append((double) k / n);
            t.doubleColumn("undecided").append((double) u / n);
            kt += k;
            tt += n;
            ut += u;
        }
        t.stringColumn("param").append("total");
        t.longColumn("kept").append(kt);
        t.longColumn("total").append(tt);
        t.doubleColumn("density").append((double) kt / tt);
        t.doubleColumn("undecided").append((double) ut / tt);
        return t;
    }

    /** Binds {@code W ⊙ 1[logit ≥ 0]} for every covered parameter; close the result to restore the originals. */
    public Applied apply(Model model) {
        return new Applied(model, this);
    }

    /** Accuracy of the model on a dataset with this mask applied. */
    public double accuracy(Model model, Dataset data) {
        try (Applied a = apply(model)) {
            return Eval.accuracy(model, data);
        }
    }

    /** The complement on every covered parameter: keeps exactly the weights this mask removes (the ¬ mask). */
    public WeightMask not() {
        return map("¬" + name, l -> sign(l.lte(0)));
    }

    public WeightMask and(WeightMask other) {
        return combine(other, name + " ∧ " + other.name, true);
    }

    public WeightMask or(WeightMask other) {
        return combine(other, name + " ∨ " + other.name, false);
    }

    /** The same mask restricted to some parameters; the others stay unmasked (the half-mask test). */
    public WeightMask only(Collection<String> params) {
        LinkedHashMap<String, INDArray> m = new LinkedHashMap<>();
        for (String p : params) m.put(p, logits(p));
        return new WeightMask(name + " on " + params, m);
    }

    /** This mask with some parameters' logits taken from another mask (e.g. the control mask on I/O layers). */
    public WeightMask replace(Collection<String> params, WeightMask from) {
        LinkedHashMap<String, INDArray> m = new LinkedHashMap<>(logits);
        for (String p : params) {
            logits(p);
            m.put(p, from.logits(p));
        }
        return new WeightMask(name, m);
    }

    /** Histogram of {@code sigmoid(logit)} over all masked weights: bins on [0, 1], counts. */
    public Table histogram(int bins) {
        if (bins <= 0) throw new IllegalArgumentException("bins must be > 0, got " + bins);
        long[] counts = new long[bins];
        for (INDArray l : logits.values()) {
            float[] p = Transforms.sigmoid(l, true).data().asFloat();
            for (float v : p) counts[Math.min(bins - 1, (int) (v * bins))]++;
        }
        Table t = Table.create("histogram " + name, DoubleColumn.create("keep probability"), LongColumn.create("count"));
        for (int i = 0; i < bins; i++) {
            t.doubleColumn(0).append((i + 0.5) / bins);
            t.longColumn(1).append(counts[i]);
        }
        return t;
    }

    /** Saves the logits atomically (zip of ND4J arrays). */
    public void save(Path path) throws IOException {
        save(path, null);
    }

    /** Saves the logits with the settings that trained them ({@code Masks.settingsMap()}), which {@code Settings.read} reads back. */
    public void save(Path path, java.util.Map<String, String> settings) throws IOException {
        org.modmask.AtomicFile.write(path, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry("name"));
                zip.write(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                zip.closeEntry();
                org.modmask.Settings.writeEntry(zip, org.modmask.Settings.ENTRY, settings);
                org.modmask.Settings.writeEntry(zip, org.modmask.Provenance.ENTRY, provenance);
                org.modmask.train.Checkpoint.writeArrays(zip, "logits/", logits);
            }
        });
    }

    public static WeightMask load(Path path) throws IOException {
        String n = path.getFileName().toString();
        LinkedHashMap<String, INDArray> m = new LinkedHashMap<>();
        java.util.SortedMap<String, String> prov = null;
        if (!Files.isRegularFile(path)) throw new java.io.FileNotFoundException("no mask file at " + path);
        // ZipFile, not a stream: it needs the central directory at the end, so a truncated file fails here instead of
        // quietly loading the parameters before the cut
        try (java.util.zip.ZipFile zf = new java.util.zip.ZipFile(path.toFile())) {
            for (ZipEntry e : java.util.Collections.list(zf.entries())) {
                var zip = new BufferedInputStream(zf.getInputStream(e));
                if (e.getName().equals("name")) n = new String(zip.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                else if (e.getName().equals(org.modmask.Provenance.ENTRY))
                    prov = org.modmask.Settings.parse(new String(zip.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                else if (e.getName().startsWith("logits/")) m.put(e.getName().substring(7), Nd4j.read(new DataInputStream(zip)));
            }
        } catch (IOException | RuntimeException ex) {
            // ND4J wraps a truncated stream as "Unexpected end of ZLIB input stream", without the file
            throw new IOException("mask file " + path + " is damaged or not a modmask mask: " + org.modmask.train.Checkpoint.rootMessage(ex), ex);
        }
        if (m.isEmpty()) throw new IOException("mask file " + path + " holds no mask logits");
        try {
            return new WeightMask(n, m).provenance(prov);
        } catch (IllegalArgumentException ex) {
            throw new IOException("mask file " + path + ": " + ex.getMessage(), ex);
        }
    }

    /** Checks that this mask fits a model (names and shapes). */
    public void checkFits(Model model) {
        for (var e : logits.entrySet()) {
            long[] s = model.param(e.getKey()).shape();
            if (!Arrays.equals(s, e.getValue().shape()))
                throw new IllegalArgumentException("mask '" + name + "' has shape " + Arrays.toString(e.getValue().shape())
                        + " for '" + e.getKey() + "', the model's parameter has " + Arrays.toString(s));
        }
    }

    private WeightMask combine(WeightMask other, String newName, boolean and) {
        if (!logits.keySet().equals(other.logits.keySet()))
            throw new IllegalArgumentException("masks '" + name + "' and '" + other.name + "' cover different parameters: "
                    + logits.keySet() + " vs " + other.logits.keySet());
        LinkedHashMap<String, INDArray> m = new LinkedHashMap<>();
        for (String p : logits.keySet()) {
            INDArray a = logits.get(p).gt(0), b = other.logits.get(p).gt(0);
            INDArray r = and ? a.castTo(DataType.FLOAT).mul(b.castTo(DataType.FLOAT)).gt(0)
                    : a.castTo(DataType.FLOAT).add(b.castTo(DataType.FLOAT)).gt(0);
            m.put(p, sign(r));
        }
        return new WeightMask(newName, m);
    }

    private WeightMask map(String newName, java.util.function.Function<INDArray, INDArray> f) {
        LinkedHashMap<String, INDArray> m = new LinkedHashMap<>();
        logits.forEach((k, v) -> m.put(k, f.apply(v)));
        return new WeightMask(newName, m);
    }

    /** Boolean → logits +1 (kept) / −1 (removed). */
    /** A set operation's result is decided: logits ±10 (keep probability 1 − 4.5·10⁻⁵), never "undecided". */
    private static INDArray sign(INDArray bool) {
        return bool.castTo(DataType.FLOAT).muli(20).subi(10);
    }

    @Override
    public String toString() {
        return String.format("WeightMask '%s': %d tensors, %d of %d weights kept (%.2f%%), %.1f%% undecided",
                name, logits.size(), keptCount(), size(), 100 * density(), 100 * undecided());
    }

    /** A mask bound to a model; closing it restores the original parameter arrays. */
    public static final class Applied implements AutoCloseable {
        private final Model model;
        private final LinkedHashMap<String, INDArray> originals = new LinkedHashMap<>();

        Applied(Model model, WeightMask mask) {
            mask.checkFits(model);
            this.model = model;
            try {
                for (String p : mask.params()) {
                    INDArray w = model.get(p);
                    originals.put(p, w.dup());       // weight_orig
                    w.muli(mask.evalMask(p));        // weight = weight_orig ⊙ mask
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public void close() {
            originals.forEach((p, w) -> model.get(p).assign(w));
            originals.clear();
        }
    }
}
