package org.modmask.data;

import org.modmask.Workspace;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;
import java.util.zip.GZIPInputStream;

/**
 * One module of the Mathematics Dataset (Saxton et al. 2019), read as the reference reads it (spec §3.4) from the
 * official layout under {@code <data dir>/dm_math} ({@link Workspace#data()}): {@code train-easy/},
 * {@code train-medium/}, {@code train-hard/} and {@code interpolate/}, each holding {@code <module>.txt} or
 * {@code <module>.txt.gz} with alternating question and answer lines.
 * <ul>
 *   <li>Files are read in the order easy, medium, hard, interpolate; a question already seen in an <em>earlier</em>
 *       file is dropped (repeats inside one file stay, as in the reference).</li>
 *   <li>From each training difficulty, {@code testSize} pairs (10,000 in the paper) are held out as that
 *       difficulty's test set: numpy's {@code RandomState(1234).choice(n, testSize, replace=False)}.</li>
 *   <li>Characters are the tokens: the vocabulary is the sorted set of all characters of the module's files, a
 *       character's id is its rank, and EOS = SOS = the vocabulary size. Questions are the source, answers the
 *       target ({@link SequencePairs} columns: {@code src}, {@code src_mask}, {@code tgt_in}, {@code tgt_out},
 *       {@code tgt_mask}).</li>
 * </ul>
 * The official v1.0 release ({@code mathematics_dataset-v1.0.tar.gz}, 2.3 GB) is read the same way from its
 * unpacked folder; {@link #download(Path)} fetches it and unpacks the five modules the paper uses.
 * <pre>{@code
 * var math = DmMath.load(DmMath.Module.SORT);
 * Dataset train = math.trainSet();                        // easy + medium + hard, test pairs held out
 * Dataset hard = math.testSet(DmMath.Difficulty.HARD);
 * }</pre>
 */
public final class DmMath {
    /** The five modules of the paper, with the labels of its figure and its settings (spec §3.4 table). */
    public enum Module {
        ADD_OR_SUB("arithmetic__add_or_sub", "Add or sub", new Paper(256, 30_000, 0, 2e-5, 0.03, 30_000, 256)),
        LINEAR_1D("algebra__linear_1d", "Linear 1D", new Paper(512, 200_000, 5_000, 1e-6, 0.02, 50_000, 400)),
        DIFFERENTIATE("calculus__differentiate", "Differentiate", new Paper(128, 40_000, 0, 1e-5, 0.03, 40_000, 128)),
        SORT("comparison__sort", "Sort", new Paper(256, 30_000, 0, 3e-6, 0.03, 30_000, 256)),
        POLY_COLLECT("polynomials__collect", "Poly. collect", new Paper(128, 200_000, 5_000, 1e-6, 0.02, 50_000, 256));

        private final String file, label;
        private final Paper paper;

        Module(String file, String label, Paper paper) {
            this.file = file;
            this.label = label;
            this.paper = paper;
        }

        /** The official file stem, e.g. {@code arithmetic__add_or_sub}. */
        public String file() {
            return file;
        }

        /** The paper's label, e.g. "Add or sub". */
        public String label() {
            return label;
        }

        /** The paper's training and mask settings for this module. */
        public Paper paper() {
            return paper;
        }
    }

    /**
     * One module's row of the paper's settings: base batch, base steps, linear warmup steps, mask β
     * ({@code mask_loss_weight}), mask learning rate, mask steps and mask batch. The rest is common to all modules:
     * Adam 1e-4 with betas (0.9, 0.995) and eps 1e-9, gradient clipping at 0.1, K = 8 mask samples, 5 runs.
     */
    public record Paper(int batch, int baseSteps, int warmup, double beta, double maskLr, int maskSteps, int maskBatch) {
    }

    /** The three training difficulties (the lower, middle and upper third of the generator's entropy range). */
    public enum Difficulty {
        EASY, MEDIUM, HARD;

        /** The official folder: train-easy, train-medium, train-hard. */
        public String folder() {
            return "train-" + label();
        }

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** One question and its answer, as strings. */
    public record Pair(String question, String answer) {
    }

    /** Held-out test pairs per training difficulty in the reference. */
    public static final int TEST_SIZE = 10_000;
    /** The official v1.0 release (Google Cloud Storage bucket {@code mathematics-dataset}). */
    public static final String RELEASE_URL = "https://storage.googleapis.com/mathematics-dataset/mathematics_dataset-v1.0.tar.gz";
    private static final String RELEASE_FOLDER = "mathematics_dataset-v1.0";

    private final Module module;
    private final Map<Difficulty, List<Pair>> train = new EnumMap<>(Difficulty.class), test = new EnumMap<>(Difficulty.class);
    private final List<Pair> interpolate;
    private final int dropped;
    private final String vocab;
    private final int[] ids = new int[128];

    private DmMath(Module module, Map<Difficulty, List<Pair>> train, Map<Difficulty, List<Pair>> test, List<Pair> interpolate,
                   int dropped, String vocab) {
        this.module = module;
        this.train.putAll(train);
        this.test.putAll(test);
        this.interpolate = interpolate;
        this.dropped = dropped;
        this.vocab = vocab;
        Arrays.fill(ids, -1);
        for (int i = 0; i < vocab.length(); i++) ids[vocab.charAt(i)] = i;
    }

    /** The module from {@code MODMASK_DATA/dm_math}, with the paper's 10,000 test pairs per difficulty. */
    public static DmMath load(Module m) {
        return load(Workspace.data().resolve("dm_math"), m, TEST_SIZE);
    }

    /** The module from a directory in the official layout (or holding the unpacked {@code mathematics_dataset-v1.0}). */
    public static DmMath load(Path dir, Module m, int testSize) {
        if (testSize < 0) throw new IllegalArgumentException("testSize must be >= 0, got " + testSize);
        if (Files.isDirectory(dir.resolve(RELEASE_FOLDER)) && !Files.isDirectory(dir.resolve(Difficulty.EASY.folder())))
            dir = dir.resolve(RELEASE_FOLDER);
        Set<String> seenBefore = new HashSet<>();
        int dropped = 0;
        Map<Difficulty, List<Pair>> train = new EnumMap<>(Difficulty.class), test = new EnumMap<>(Difficulty.class);
        for (Difficulty d : Difficulty.values()) {
            List<Pair> all = read(required(dir, d.folder(), m));
            List<Pair> kept = unseen(all, seenBefore);
            dropped += all.size() - kept.size();
            if (testSize > kept.size())
                throw new IllegalArgumentException("testSize " + testSize + " exceeds the " + kept.size() + " new pairs of " + d.folder() + "/" + m.file());
            int[] perm = new NumpyRandom(1234).permutation(kept.size());
            boolean[] held = new boolean[kept.size()];
            List<Pair> te = new ArrayList<>(testSize), tr = new ArrayList<>(kept.size() - testSize);
            for (int i = 0; i < testSize; i++) {
                held[perm[i]] = true;
                te.add(kept.get(perm[i]));
            }
            for (int i = 0; i < kept.size(); i++) if (!held[i]) tr.add(kept.get(i));
            train.put(d, tr);
            test.put(d, te);
        }
        Path inter = find(dir, "interpolate", m);
        if (inter == null && Files.isDirectory(dir.resolve("interpolate")))     // a partial copy: never a silently smaller set
            throw new UncheckedIOException(new FileNotFoundException("no interpolate/" + m.file() + ".txt(.gz) in " + dir
                    + ", although its interpolate folder exists: the copy is incomplete"));
        List<Pair> interpolate = List.of();
        if (inter != null) {
            List<Pair> all = read(inter);
            interpolate = unseen(all, seenBefore);
            dropped += all.size() - interpolate.size();
        }
        TreeSet<Character> chars = new TreeSet<>();
        for (List<List<Pair>> group : List.of(List.copyOf(train.values()), List.copyOf(test.values()), List.of(interpolate)))
            for (List<Pair> ps : group) for (Pair p : ps) for (String s : List.of(p.question(), p.answer())) for (char c : s.toCharArray()) chars.add(c);
        StringBuilder v = new StringBuilder();
        for (char c : chars) {
            if (c >= 128) throw new IllegalArgumentException(m.file() + " holds a non-ASCII character U+" + Integer.toHexString(c));
            v.append(c);
        }
        return new DmMath(m, train, test, interpolate, dropped, v.toString());
    }

    /** The pairs of a file whose question no earlier file had; then adds this file's questions to {@code seenBefore}. */
    private static List<Pair> unseen(List<Pair> all, Set<String> seenBefore) {
        List<Pair> kept = new ArrayList<>(all.size());
        for (Pair p : all) if (!seenBefore.contains(p.question())) kept.add(p);
        for (Pair p : all) seenBefore.add(p.question());
        return kept;
    }

    private static Path find(Path dir, String folder, Module m) {
        for (String ext : List.of(".txt", ".txt.gz")) {
            Path f = dir.resolve(folder).resolve(m.file() + ext);
            if (Files.isRegularFile(f)) return f;
        }
        return null;
    }

    private static Path required(Path dir, String folder, Module m) {
        Path f = find(dir, folder, m);
        if (f == null)
            throw new UncheckedIOException(new FileNotFoundException("no " + folder + "/" + m.file() + ".txt(.gz) in " + dir
                    + " (set MODMASK_DATA to a directory with dm_math/, or fetch the official release with DmMath.download(dir))"));
        return f;
    }

    /** Alternating question and answer lines, plain or gzip'd. */
    static List<Pair> read(Path f) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(f));
             BufferedReader r = new BufferedReader(new InputStreamReader(f.toString().endsWith(".gz") ? new GZIPInputStream(raw, 1 << 16) : raw,
                     StandardCharsets.US_ASCII))) {
            List<Pair> pairs = new ArrayList<>();
            int line = 0;
            for (String q; (q = r.readLine()) != null; ) {
                line++;
                String a = r.readLine();
                if (a == null) throw new IOException(f + " ends with a question and no answer (line " + line + ")");
                line++;
                pairs.add(new Pair(q, a));
            }
            return pairs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    public Module module() {
        return module;
    }

    /** A difficulty's training pairs (its test pairs held out). */
    public List<Pair> train(Difficulty d) {
        return Collections.unmodifiableList(train.get(d));
    }

    /** A difficulty's held-out test pairs. */
    public List<Pair> test(Difficulty d) {
        return Collections.unmodifiableList(test.get(d));
    }

    /** The official interpolation test pairs (empty where the folder has no file for the module). */
    public List<Pair> interpolate() {
        return Collections.unmodifiableList(interpolate);
    }

    /** How many pairs were dropped because an earlier file had their question. */
    public int dropped() {
        return dropped;
    }

    /** The characters, sorted; a character's id is its index. */
    public String vocab() {
        return vocab;
    }

    /** The id of EOS and SOS: the vocabulary size. The models' vocabulary is {@code eos() + 1}. */
    public int eos() {
        return vocab.length();
    }

    /** The training pairs of the given difficulties (all three when none are given), as one dataset. */
    public Dataset trainSet(Difficulty... ds) {
        if (ds.length == 0) ds = Difficulty.values();
        List<Pair> pairs = new ArrayList<>();
        StringJoiner name = new StringJoiner("+");
        for (Difficulty d : ds) {
            pairs.addAll(train.get(d));
            name.add(d.label());
        }
        return toDataset(module.label() + " train " + name, pairs);
    }

    public Dataset testSet(Difficulty d) {
        return toDataset(module.label() + " test " + d.label(), test.get(d));
    }

    public Dataset interpolateSet() {
        return toDataset(module.label() + " interpolate", interpolate);
    }

    /** Pairs as padded character ids (see the class comment for the columns). */
    public Dataset toDataset(String name, List<Pair> pairs) {
        List<int[]> q = new ArrayList<>(pairs.size()), a = new ArrayList<>(pairs.size());
        for (Pair p : pairs) {
            q.add(encode(p.question()));
            a.add(encode(p.answer()));
        }
        return SequencePairs.of(name, q, a, eos(), eos(), eos());
    }

    /** Character ids of a string; a character outside the vocabulary is an error that names it. */
    public int[] encode(String s) {
        int[] out = new int[s.length()];
        for (int i = 0; i < out.length; i++) {
            char c = s.charAt(i);
            out[i] = c < 128 ? ids[c] : -1;
            if (out[i] < 0) throw new IllegalArgumentException("character '" + c + "' of \"" + s + "\" is not in the vocabulary " + vocab);
        }
        return out;
    }

    /** Ids back to text, up to the first EOS. */
    public String decode(INDArray idRow) {
        StringBuilder b = new StringBuilder();
        for (long t = 0; t < idRow.length(); t++) {
            int i = (int) idRow.getDouble(t);
            if (i == eos()) break;
            b.append(i >= 0 && i < vocab.length() ? vocab.charAt(i) : '?');
        }
        return b.toString();
    }

    /**
     * For users with a network: downloads the official v1.0 release (2.3 GB; no official checksum is published, so
     * none is checked) into {@code dir} and unpacks the five modules' train and interpolate files into the layout
     * {@link #load(Path, Module, int)} reads. Files already there are kept. Returns {@code dir}.
     */
    public static Path download(Path dir) throws IOException {
        List<String> folders = new ArrayList<>();
        for (Difficulty d : Difficulty.values()) folders.add(d.folder());
        folders.add("interpolate");
        boolean complete = true;
        for (String f : folders) for (Module m : Module.values()) complete &= find(dir, f, m) != null;
        if (complete) return dir;
        Path archive = Download.file(dir, "mathematics_dataset-v1.0.tar.gz", RELEASE_URL, "SHA-256", null);
        Set<String> wanted = new HashSet<>();
        for (String f : folders) for (Module m : Module.values()) wanted.add(RELEASE_FOLDER + "/" + f + "/" + m.file() + ".txt");
        Tar.extract(archive, name -> wanted.contains(name) ? dir.resolve(name.substring(RELEASE_FOLDER.length() + 1)) : null);
        return dir;
    }
}
