package org.modmask;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.modmask.cluster.Planted;
import org.modmask.data.Cifar10;
import org.modmask.data.Dataset;
import org.modmask.data.Mnist;
import org.modmask.mask.Masks;
import org.modmask.mask.WeightMask;
import org.modmask.nn.Model;
import org.modmask.nn.Mlp;
import org.modmask.train.Progress;
import org.modmask.train.Train;
import org.nd4j.linalg.factory.Nd4j;

import java.io.*;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.*;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The bad-input battery: settings, models, masks, files, the results folder and data files, each case failing with
 * the named exception type and a message that names the offending value or file, and leaving every file in its
 * folder as it was.
 */
class BadInputBatteryTest {
    @TempDir
    static Path dir;
    static Model net;
    static Dataset data;
    static Path goodMask, goodCkpt;

    /** One bad input: what it does, what it must throw, and what its message must name. */
    record Case(String name, Class<? extends Throwable> type, String names, Executable action) {
        @Override
        public String toString() {
            return name;
        }
    }

    @BeforeAll
    static void fixtures() throws Exception {
        Progress.Factory.quiet(true);
        net = Mlp.classifier(20, new int[]{8}, 10, 3);
        data = Toy.addMod10();
        goodMask = dir.resolve("good.mask");
        WeightMask.constant("good", net, Masks.of(net).selected(), 1).save(goodMask);
        goodCkpt = dir.resolve("good.ckpt");
        Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(2).batchSize(8).checkpoint(goodCkpt).run(data);
    }

    static Case c(String name, Class<? extends Throwable> type, String names, Executable action) {
        return new Case(name, type, names, action);
    }

    static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;

    static Stream<Case> cases() {
        List<Case> all = new ArrayList<>();
        // --- training settings
        all.add(c("Train lr 0", IAE, "0.0", () -> Train.of(net).lr(0)));
        all.add(c("Train lr −1", IAE, "-1.0", () -> Train.of(net).lr(-1)));
        all.add(c("Train lr NaN", IAE, "NaN", () -> Train.of(net).lr(Double.NaN)));
        all.add(c("Train lr +∞", IAE, "Infinity", () -> Train.of(net).lr(Double.POSITIVE_INFINITY)));
        all.add(c("Train ε −1", IAE, "epsilon must be a finite number > 0, got -1.0", () -> Train.of(net).eps(-1)));
        all.add(c("Train ε 0", IAE, "epsilon", () -> Train.of(net).eps(0)));
        all.add(c("Train ε NaN", IAE, "NaN", () -> Train.of(net).eps(Double.NaN)));
        all.add(c("Train β₁ 1", IAE, "beta1 must lie in [0, 1), got 1.0", () -> Train.of(net).betas(1.0, 0.999)));
        all.add(c("Train β₂ −0.1", IAE, "beta2", () -> Train.of(net).betas(0.9, -0.1)));
        all.add(c("Train clip −1", IAE, "-1.0", () -> Train.of(net).clip(-1)));
        all.add(c("Train clip NaN", IAE, "NaN", () -> Train.of(net).clip(Double.NaN)));
        all.add(c("Train clip +∞", IAE, "Infinity", () -> Train.of(net).clip(Double.POSITIVE_INFINITY)));
        all.add(c("Train batch 0", IAE, "batch size must be at least 1, got 0", () -> Train.of(net).batchSize(0)));
        all.add(c("Train batch −5", IAE, "-5", () -> Train.of(net).batchSize(-5)));
        all.add(c("Train steps −1", IAE, "-1", () -> Train.of(net).steps(-1)));
        all.add(c("Train warmup −1", IAE, "-1", () -> Train.of(net).warmup(-1)));
        all.add(c("Train threads 0", IAE, "threads", () -> Train.of(net).threads(0)));
        all.add(c("Train checkpointEvery 0", IAE, "checkpointEvery", () -> Train.of(net).checkpointEvery(0)));
        all.add(c("Train validation every 0", IAE, "validation interval", () -> Train.of(net).validation(data, 0)));
        all.add(c("Train lr drop at 0", IAE, "got 0", () -> Train.of(net).lrDrops(0)));
        // --- mask settings
        all.add(c("Masks lr +∞", IAE, "mask learning rate must be a finite number > 0, got Infinity", () -> Masks.of(net).lr(Double.POSITIVE_INFINITY)));
        all.add(c("Masks lr 0", IAE, "mask learning rate", () -> Masks.of(net).lr(0)));
        all.add(c("Masks lr NaN", IAE, "NaN", () -> Masks.of(net).lr(Double.NaN)));
        all.add(c("Masks β −0.5", IAE, "-0.5", () -> Masks.of(net).beta(-0.5)));
        all.add(c("Masks β NaN", IAE, "beta", () -> Masks.of(net).beta(Double.NaN)));
        all.add(c("Masks β +∞", IAE, "Infinity", () -> Masks.of(net).beta(Double.POSITIVE_INFINITY)));
        all.add(c("Masks init NaN", IAE, "initial logit", () -> Masks.of(net).init(Double.NaN)));
        all.add(c("Masks init +∞", IAE, "Infinity", () -> Masks.of(net).init(Double.POSITIVE_INFINITY)));
        all.add(c("Masks K 0", IAE, "K (mask samples per batch) must be at least 1, got 0", () -> Masks.of(net).samples(0)));
        all.add(c("Masks K −1", IAE, "-1", () -> Masks.of(net).samples(-1)));
        all.add(c("Masks batch 0", IAE, "mask batch size", () -> Masks.of(net).batchSize(0)));
        all.add(c("Masks regularizer batch 0", IAE, "regularizer batch size", () -> Masks.of(net).regularizerBatchSize(0)));
        all.add(c("Masks clip −1", IAE, "mask clip", () -> Masks.of(net).clip(-1)));
        all.add(c("Masks clip NaN", IAE, "NaN", () -> Masks.of(net).clip(Double.NaN)));
        all.add(c("Masks steps −1", IAE, "-1", () -> Masks.of(net).steps(-1)));
        all.add(c("Masks unknown parameter", IAE, "layers.7.weight", () -> Masks.of(net).params("layers.7.weight")));
        all.add(c("Masks watch 0 weights", IAE, "count must be at least 1, got 0", () -> Masks.of(net).watch("layers.0.weight", 0)));
        all.add(c("Masks watch an unmasked parameter", IAE, "layers.0.bias", () -> Masks.of(net).steps(1).watch("layers.0.bias", 2).train(data)));
        all.add(c("Masks K does not divide the batch", IAE, "K = 3", () -> Masks.of(net).steps(1).samples(3).train(data)));
        // --- models
        all.add(c("MLP width −110", IAE, "-110", () -> Mlp.classifier(20, new int[]{-110}, 10, 1)));
        all.add(c("MLP width 0", IAE, "layers.0: output width must be at least 1, got 0", () -> Mlp.classifier(20, new int[]{0}, 10, 1)));
        all.add(c("MLP input width 0", IAE, "input width", () -> Mlp.classifier(0, new int[]{8}, 10, 1)));
        all.add(c("MLP layer too large for one array", IAE, "65537 × 65536", () -> Mlp.classifier(65536, new int[]{65537}, 10, 1)));
        all.add(c("data 22 wide into a model that takes 20", IAE, "[any, 20]", () -> org.modmask.train.Eval.accuracy(net, org.modmask.data.TwoOps.all())));
        all.add(c("planted partition, negative association", IAE, "-0.1", () -> Planted.of(3, 10, 1.0, -0.1, 0.2, 1)));
        // --- masks as objects
        all.add(c("mask with NaN logits", IAE, "layers.0.weight", () -> new WeightMask("nan",
                Map.of("layers.0.weight", Nd4j.valueArrayOf(new long[]{8, 20}, Float.NaN)))));
        all.add(c("mask with infinite logits", IAE, "non-finite", () -> new WeightMask("inf",
                Map.of("layers.0.weight", Nd4j.valueArrayOf(new long[]{8, 20}, Float.POSITIVE_INFINITY)))));
        all.add(c("mask of another model's shape", IAE, "[16, 20]", () -> WeightMask.constant("x", Mlp.classifier(20, new int[]{16}, 10, 3),
                List.of("layers.0.weight"), 1).apply(net)));
        all.add(c("and() of masks over different parameters", IAE, "cover different parameters", () -> WeightMask.constant("a", net,
                List.of("layers.0.weight"), 1).and(WeightMask.constant("b", net, List.of("layers.1.weight"), 1))));
        // --- damaged files: the error names the file
        all.add(c("mask file truncated", IOException.class, "cut.mask", () -> WeightMask.load(truncated(goodMask, "cut.mask"))));
        all.add(c("mask file of random bytes", IOException.class, "noise.mask", () -> WeightMask.load(noise("noise.mask"))));
        all.add(c("mask file empty", IOException.class, "empty.mask", () -> WeightMask.load(empty("empty.mask"))));
        all.add(c("mask file missing", FileNotFoundException.class, "missing.mask", () -> WeightMask.load(dir.resolve("missing.mask"))));
        all.add(c("mask file of another kind (a zip without logits)", IOException.class, "foreign.mask",
                () -> WeightMask.load(foreignZip("foreign.mask"))));
        all.add(c("checkpoint truncated", UncheckedIOException.class, "cut.ckpt", () -> resume(truncated(goodCkpt, "cut.ckpt"))));
        all.add(c("checkpoint of random bytes", UncheckedIOException.class, "noise.ckpt", () -> resume(noise("noise.ckpt"))));
        all.add(c("checkpoint empty", UncheckedIOException.class, "empty.ckpt", () -> resume(empty("empty.ckpt"))));
        all.add(c("checkpoint of another kind (a zip without configuration)", UncheckedIOException.class, "foreign.ckpt",
                () -> resume(foreignZip("foreign.ckpt"))));
        // --- the results folder
        all.add(c("results name with ../", IAE, "../escape", () -> Workspace.results("../escape")));
        all.add(c("results name absolute", IAE, "/tmp/abs", () -> Workspace.results("/tmp/abs")));
        all.add(c("results name with a separator", IAE, "a/b", () -> Workspace.results("a/b")));
        all.add(c("results name ..", IAE, "'..'", () -> Workspace.results("..")));
        all.add(c("results name empty", IAE, "''", () -> Workspace.results("")));
        all.add(c("results folder that cannot be written", IllegalStateException.class, "not-a-folder", () -> withProperty("MODMASK_RESULTS",
                Files.writeString(dir.resolve("not-a-folder"), "a file").toString(), () -> Workspace.results("x"))));
        all.add(c("checkpoint in a folder that cannot be written", IllegalStateException.class, "blocked", () -> resume(
                Files.writeString(dir.resolve("blocked"), "a file, not a folder").resolve("net.ckpt"))));
        // --- data files: the error names the file, no dataset comes back smaller
        all.add(c("MNIST images truncated", UncheckedIOException.class, "train-images-idx3-ubyte is truncated", () -> mnist(5, 2, 5, 2051)));
        all.add(c("MNIST images with a wrong magic number", UncheckedIOException.class, "magic number", () -> mnist(5, 5, 5, 1234)));
        all.add(c("MNIST header that claims −3 images", UncheckedIOException.class, "claims -3 images", () -> mnist(-3, 0, 5, 2051)));
        all.add(c("MNIST images and labels of different counts", UncheckedIOException.class, "holds 4 images but", () -> mnist(4, 4, 5, 2051)));
        all.add(c("CIFAR-10 batch with 2 images", UncheckedIOException.class, "holds 2 images; a CIFAR-10 batch holds 10000", () -> cifar(false)));
        all.add(c("CIFAR-10 plain and .gz copies that disagree", UncheckedIOException.class, "disagree", () -> cifar(true)));
        all.add(c("Mathematics copy with an interpolate folder but not this module's file", UncheckedIOException.class,
                "interpolate/", BadInputBatteryTest::mathWithoutInterpolate));
        return all.stream();
    }

    static void mathWithoutInterpolate() throws Exception {
        Path m = Files.createTempDirectory(dir, "math");
        var module = org.modmask.data.DmMath.Module.values()[0];
        for (String d : new String[]{"train-easy", "train-medium", "train-hard"})
            Files.writeString(Files.createDirectories(m.resolve(d)).resolve(module.file() + ".txt"), d + " 1?\n1\n");
        Files.createDirectories(m.resolve("interpolate"));
        org.modmask.data.DmMath.load(m, module, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void failsClearlyAndDamagesNothing(Case bad) throws Exception {
        Map<String, String> before = snapshot();
        Throwable t = assertThrows(bad.type(), bad.action(), bad.name());
        assertNotNull(t.getMessage(), bad.name() + ": no message");
        assertTrue(t.getMessage().contains(bad.names()), bad.name() + ": the message should name '" + bad.names() + "': " + t.getMessage());
        Map<String, String> after = snapshot();
        after.keySet().retainAll(before.keySet());          // the case's own new fixture files aside
        assertEquals(before, after, bad.name() + ": a file was changed or removed");
    }

    @org.junit.jupiter.api.Test
    void theBatteryHasAtLeastSixtyCases() {
        assertTrue(cases().count() >= 60, "cases: " + cases().count());
    }

    // --- fixtures

    /** Every file in the folder (recursively) with its SHA-256. */
    static Map<String, String> snapshot() throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                out.put(dir.relativize(f).toString(), HexFormat.of().formatHex(md.digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }

    static Path truncated(Path good, String name) throws IOException {
        byte[] b = Files.readAllBytes(good);
        return Files.write(dir.resolve(name), Arrays.copyOf(b, b.length * 2 / 3));
    }

    static Path noise(String name) throws IOException {
        byte[] b = new byte[4096];
        new Random(7).nextBytes(b);
        return Files.write(dir.resolve(name), b);
    }

    static Path empty(String name) throws IOException {
        return Files.write(dir.resolve(name), new byte[0]);
    }

    static Path foreignZip(String name) throws IOException {
        Path p = dir.resolve(name);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(p))) {
            z.putNextEntry(new ZipEntry("readme.txt"));
            z.write("not a modmask file".getBytes());
            z.closeEntry();
        }
        return p;
    }

    static void resume(Path ckpt) {
        Train.of(Mlp.classifier(20, new int[]{8}, 10, 3)).steps(2).batchSize(8).checkpoint(ckpt).run(data);
    }

    interface Body {
        Object run() throws Exception;
    }

    static void withProperty(String key, String value, Body body) throws Exception {
        String old = System.getProperty(key);
        System.setProperty(key, value);
        try {
            body.run();
        } finally {
            if (old == null) System.clearProperty(key);
            else System.setProperty(key, old);
        }
    }

    /** An MNIST folder whose image file claims {@code claimed} images and holds {@code held}; labels hold {@code labels}. */
    static void mnist(int claimed, int held, int labels, int magic) throws Exception {
        Path m = Files.createDirectories(Files.createTempDirectory(dir, "data").resolve("mnist"));
        for (String split : new String[]{"train", "t10k"}) {
            try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(m.resolve(split + "-images-idx3-ubyte")))) {
                o.writeInt(magic);
                o.writeInt(claimed);
                o.writeInt(28);
                o.writeInt(28);
                o.write(new byte[held * 784]);
            }
            try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(m.resolve(split + "-labels-idx1-ubyte")))) {
                o.writeInt(2049);
                o.writeInt(labels);
                o.write(new byte[labels]);
            }
        }
        withProperty("MODMASK_DATA", m.getParent().toString(), Mnist::train);
    }

    /** A CIFAR-10 folder with a 2-image first batch, or with plain and gzipped copies of a batch that differ. */
    static void cifar(boolean disagreeing) throws Exception {
        Path c = Files.createTempDirectory(dir, "cifar");
        byte[] two = new byte[2 * 3073];
        Files.write(c.resolve("data_batch_1.bin"), two);
        if (disagreeing) {
            byte[] other = two.clone();
            other[0] = 1;
            try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(c.resolve("data_batch_1.bin.gz")))) {
                o.write(other);
            }
        }
        Cifar10.load(c);
    }
}
