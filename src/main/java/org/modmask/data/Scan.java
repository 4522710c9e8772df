package org.modmask.data;

import org.modmask.Workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.*;

/**
 * SCAN (Lake & Baroni 2018) from the official text files in {@code <data dir>/scan} ({@link Workspace#data()}),
 * as the reference reads them (spec §3.3): lines {@code IN: <command> OUT: <actions>}, whitespace tokens,
 * vocabularies in the reference's order (by descending frequency over all eight split files; equal counts in the
 * order the spec lists), and the end/start token id equal to the vocabulary size (13 for commands, 6 for actions).
 * <p>A split's examples become the batch columns the encoder-decoders read, padded with 0 to the split's longest
 * sequence: {@code src} (command ids followed by EOS), {@code src_mask} (1 on real positions), {@code tgt_in}
 * ({@code [SOS, y₁ … yₙ]}), {@code tgt_out} ({@code [y₁ … yₙ, EOS]}) and {@code tgt_mask}.
 * Missing files are downloaded from the official repository (SHA-256 checked) when a network is there.
 * <pre>{@code
 * var scan = Scan.load();
 * Dataset train = scan.train(Scan.Split.JUMP);      // 14,670 examples
 * scan.decode(train.column("tgt_out").getRow(0))    // "I_JUMP"
 * }</pre>
 */
public final class Scan {
    /** The four splits of the paper: simple (i.i.d.), add-primitive jump, length, add-primitive turn left. */
    public enum Split {
        SIMPLE("simple_split", "simple"), JUMP("add_prim_split", "addprim_jump"),
        LENGTH("length_split", "length"), TURN_LEFT("add_prim_split", "addprim_turn_left");

        final String folder, stem;

        Split(String folder, String stem) {
            this.folder = folder;
            this.stem = stem;
        }

        /** The split's short name, as the paper's figures label it: simple, jump, length, turn_left. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        String file(boolean train) {
            return "tasks_" + (train ? "train" : "test") + "_" + stem + ".txt";
        }
    }

    public static final String BASE_URL = "https://raw.githubusercontent.com/brendenlake/SCAN/c4b756cbc010d75c912f16c42c8f15dc6b7e6c8f/";
    private static final Map<String, String> SHA256 = Map.of(
            "tasks_train_simple.txt", "941bb8a088c5f53ceff12fde902dc008933cf0c4203cc672c47b5f79d73262dd",
            "tasks_test_simple.txt", "1fe1c8f5a19d0dc40e41bab94278f45f66f3dc415a978bd29855a23440610fc6",
            "tasks_train_addprim_jump.txt", "e3c78485692e028eed4205e1b8b3fd0e785ef2c12d45b5b89204dadf5b239e23",
            "tasks_test_addprim_jump.txt", "8147ae2651422c701162e174d9d66158daa57858a26b30317ac61797118ac7a5",
            "tasks_train_addprim_turn_left.txt", "1b3fed86055dd7689d217f1b90cc8960aeb1cf200f4f209dc47935761b05304c",
            "tasks_test_addprim_turn_left.txt", "15a82c2d25ac7c3c1fff7e18051fb085974ef3617de895c520d02144396a10e2",
            "tasks_train_length.txt", "b034212dc7cf87ce62f3a067dd6ad49c4d5cd18d51d615d13825516bcb1ebbc2",
            "tasks_test_length.txt", "0760752ed34a75116ae11dcc1ee17526b7500060da1366540730fa24894d7db3");

    /** One example: command words and action words. */
    public record Pair(List<String> in, List<String> out) {
    }

    private final Map<String, List<Pair>> files = new LinkedHashMap<>();
    private final List<String> inVocab, outVocab;

    /** The reference's vocabularies (spec §3.3). */
    public static final List<String> COMMANDS = List.of("left", "right", "twice", "thrice", "opposite", "around", "and", "after",
            "jump", "run", "walk", "look", "turn");
    public static final List<String> ACTIONS = List.of("I_TURN_LEFT", "I_TURN_RIGHT", "I_JUMP", "I_WALK", "I_RUN", "I_LOOK");

    private Scan(Map<String, List<Pair>> files) {
        this.files.putAll(files);
        inVocab = COMMANDS;
        outVocab = ACTIONS;
    }

    /** How often each token occurs over all files (commands or actions). */
    public Map<String, Integer> counts(boolean commands) {
        Map<String, Integer> count = new LinkedHashMap<>();
        for (List<Pair> ps : files.values()) for (Pair p : ps) for (String w : commands ? p.in() : p.out()) count.merge(w, 1, Integer::sum);
        return count;
    }

    /** Reads the eight split files from the data directory (downloading missing ones when possible). */
    public static Scan load() {
        return load(Workspace.data().resolve("scan"));
    }

    public static Scan load(Path dir) {
        Map<String, List<Pair>> files = new LinkedHashMap<>();
        for (Split s : Split.values())
            for (boolean train : new boolean[]{true, false}) {
                String name = s.file(train);
                if (files.containsKey(name)) continue;
                try {
                    Path f = Download.file(dir, name, BASE_URL + s.folder + "/" + name, "SHA-256", SHA256.get(name));
                    files.put(name, parse(name, Files.readAllLines(f, StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read SCAN from " + dir + " (set MODMASK_DATA to a directory with scan/): " + e.getMessage(), e);
                }
            }
        return new Scan(files);
    }

    static List<Pair> parse(String name, List<String> lines) throws IOException {
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).strip();
            if (l.isEmpty()) continue;
            int out = l.indexOf(" OUT: ");
            if (!l.startsWith("IN: ") || out < 0) throw new IOException(name + " line " + (i + 1) + " is not 'IN: … OUT: …': " + l);
            pairs.add(new Pair(List.of(l.substring(4, out).trim().split("\\s+")), List.of(l.substring(out + 6).trim().split("\\s+"))));
        }
        return pairs;
    }

    /** The command words (13), most frequent first; EOS is id {@code inVocab().size()}. */
    public List<String> inVocab() {
        return inVocab;
    }

    /** The actions (6), most frequent first; SOS = EOS is id {@code outVocab().size()}. */
    public List<String> outVocab() {
        return outVocab;
    }

    /** The id of the input end token (13). */
    public int inEos() {
        return inVocab.size();
    }

    /** The id of the output start and end token (6). */
    public int outEos() {
        return outVocab.size();
    }

    public List<Pair> pairs(Split s, boolean train) {
        return files.get(s.file(train));
    }

    public Dataset train(Split s) {
        return toDataset("SCAN " + s.name().toLowerCase(Locale.ROOT) + " train", pairs(s, true));
    }

    public Dataset test(Split s) {
        return toDataset("SCAN " + s.name().toLowerCase(Locale.ROOT) + " test", pairs(s, false));
    }

    /** Padded to fixed lengths (an unrolled LSTM graph needs them): commands + EOS to srcLen, actions + EOS to tgtLen. */
    public Dataset train(Split s, int srcLen, int tgtLen) {
        return toDataset("SCAN " + s.name().toLowerCase(Locale.ROOT) + " train", pairs(s, true), srcLen, tgtLen);
    }

    public Dataset test(Split s, int srcLen, int tgtLen) {
        return toDataset("SCAN " + s.name().toLowerCase(Locale.ROOT) + " test", pairs(s, false), srcLen, tgtLen);
    }

    /** The longest action sequence of a split's file (greedy decoding runs one step longer). */
    public int maxOutLength(Split s, boolean train) {
        return pairs(s, train).stream().mapToInt(p -> p.out().size()).max().orElse(0);
    }

    /** Examples as padded id arrays (see the class comment for the columns). */
    public Dataset toDataset(String name, List<Pair> pairs) {
        if (pairs.isEmpty()) throw new IllegalArgumentException("no SCAN examples for '" + name + "'");
        return SequencePairs.of(name, ids(pairs, true), ids(pairs, false), inEos(), outEos(), outEos());
    }

    /** Examples padded to the given lengths (which must fit the longest command + EOS and action sequence + EOS). */
    public Dataset toDataset(String name, List<Pair> pairs, int ts, int tt) {
        if (pairs.isEmpty()) throw new IllegalArgumentException("no SCAN examples for '" + name + "'");
        return SequencePairs.of(name, ids(pairs, true), ids(pairs, false), inEos(), outEos(), outEos(), ts, tt);
    }

    private List<int[]> ids(List<Pair> pairs, boolean commands) {
        List<int[]> out = new ArrayList<>(pairs.size());
        for (Pair p : pairs) {
            List<String> words = commands ? p.in() : p.out();
            int[] ids = new int[words.size()];
            for (int t = 0; t < ids.length; t++)
                ids[t] = commands ? id(inVocab, words.get(t), "command word") : id(outVocab, words.get(t), "action");
            out.add(ids);
        }
        return out;
    }

    private static int id(List<String> vocab, String w, String what) {
        int i = vocab.indexOf(w);
        if (i < 0) throw new IllegalArgumentException("unknown " + what + " '" + w + "'; the vocabulary is " + vocab);
        return i;
    }

    /** Action ids back to words, up to the first EOS. */
    public String decode(org.nd4j.linalg.api.ndarray.INDArray ids) {
        StringJoiner j = new StringJoiner(" ");
        for (long t = 0; t < ids.length(); t++) {
            int a = (int) ids.getDouble(t);
            if (a == outEos()) break;
            j.add(a >= 0 && a < outVocab.size() ? outVocab.get(a) : "<" + a + ">");
        }
        return j.toString();
    }
}
