package org.modmask.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.modmask.Workspace;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.*;

/** The Mathematics loader: official layout, pairing, de-duplication across files, held-out test pairs, vocabulary. */
class DmMathTest {
    @TempDir
    Path dir;

    private void write(String folder, String file, String... lines) throws IOException {
        Path f = dir.resolve(folder).resolve(file);
        Files.createDirectories(f.getParent());
        byte[] text = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.US_ASCII);
        if (file.endsWith(".gz")) try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
            out.write(text);
        }
        else Files.write(f, text);
    }

    private static List<String> questions(List<DmMath.Pair> ps) {
        return ps.stream().map(DmMath.Pair::question).toList();
    }

    @Test
    void layoutPairingDeduplicationAndHeldOutPairs() throws IOException {
        String m = DmMath.Module.SORT.file();
        write("train-easy", m + ".txt", "e0?", "0", "e1?", "1", "e2?", "2", "e3?", "3", "e1?", "1", "e5?", "5");  // e1 twice: kept
        write("train-medium", m + ".txt.gz", "m0?", "0", "e3?", "3", "m2?", "2", "m3?", "3", "m4?", "4");         // e3 seen: dropped
        write("train-hard", m + ".txt", "h0?", "0", "h1?", "1", "h2?", "2", "h3?", "3", "h4?", "4");
        write("interpolate", m + ".txt", "i0?", "0", "h2?", "2", "i2?", "2");                                      // h2 seen: dropped
        DmMath math = DmMath.load(dir, DmMath.Module.SORT, 2);

        // held out: numpy RandomState(1234).choice(n, 2, replace=False) = [2, 1] (n = 6), [0, 1] (n = 4), [4, 0] (n = 5)
        assertEquals(List.of("e2?", "e1?"), questions(math.test(DmMath.Difficulty.EASY)));
        assertEquals(List.of("e0?", "e3?", "e1?", "e5?"), questions(math.train(DmMath.Difficulty.EASY)));
        assertEquals(List.of("m0?", "m2?"), questions(math.test(DmMath.Difficulty.MEDIUM)));
        assertEquals(List.of("m3?", "m4?"), questions(math.train(DmMath.Difficulty.MEDIUM)));
        assertEquals(List.of("h4?", "h0?"), questions(math.test(DmMath.Difficulty.HARD)));
        assertEquals(List.of("i0?", "i2?"), questions(math.interpolate()));
        assertEquals(2, math.dropped());
        for (var d : DmMath.Difficulty.values())
            for (var p : math.train(d)) assertEquals(p.question().substring(1, 2), p.answer(), "answers stay with their questions");

        assertEquals("012345?ehim", math.vocab());
        assertEquals(11, math.eos());
        Dataset train = math.trainSet();
        assertEquals(4 + 2 + 3, train.size());
        assertEquals(List.of("easy", "medium", "hard").size(), train.name().split("\\+").length);
    }

    @Test
    void columnsAreCharacterIdsWithEosAndSos() throws IOException {
        String m = DmMath.Module.ADD_OR_SUB.file();
        for (String f : List.of("train-easy", "train-medium", "train-hard"))
            write(f, m + ".txt", "What is 1 + 2?", "3", "What is 10 - 4?", "6", "Add -1 and 5.", "4");
        DmMath math = DmMath.load(dir, DmMath.Module.ADD_OR_SUB, 0);
        assertTrue(math.interpolate().isEmpty(), "no interpolate folder: no interpolate pairs");
        assertEquals(6, math.dropped(), "medium and hard repeat easy's questions");
        Dataset d = math.trainSet(DmMath.Difficulty.EASY);
        assertEquals(3, d.size());
        INDArray src = d.column("src"), mask = d.column("src_mask");
        assertEquals("What is 10 - 4?".length() + 1, (int) mask.getRow(1).sumNumber().doubleValue());
        assertEquals(math.eos(), src.getInt(1, "What is 10 - 4?".length()), "EOS closes the question");
        assertEquals("What is 10 - 4?", math.decode(src.getRow(1)));
        assertEquals(math.eos(), d.column("tgt_in").getInt(0, 0), "the decoder starts from SOS = EOS");
        assertEquals("3", math.decode(d.column("tgt_out").getRow(0)));
        assertEquals(math.eos(), d.column("tgt_out").getInt(0, 1));
        assertEquals(2, (int) d.column("tgt_mask").getRow(0).sumNumber().doubleValue(), "answer + EOS");
        assertArrayEquals(math.encode("13"), new int[]{math.vocab().indexOf('1'), math.vocab().indexOf('3')});
        var e = assertThrows(IllegalArgumentException.class, () -> math.encode("x*7"));
        assertTrue(e.getMessage().contains("'x'"), e.getMessage());
    }

    @Test
    void badInputIsNamed() throws IOException {
        var missing = assertThrows(UncheckedIOException.class, () -> DmMath.load(dir, DmMath.Module.SORT, 1));
        assertTrue(missing.getMessage().contains("train-easy/comparison__sort"), missing.getMessage());
        String m = DmMath.Module.SORT.file();
        for (String f : List.of("train-easy", "train-medium", "train-hard")) write(f, m + ".txt", f + " q", "a");
        var tooMany = assertThrows(IllegalArgumentException.class, () -> DmMath.load(dir, DmMath.Module.SORT, 2));
        assertTrue(tooMany.getMessage().contains("testSize 2"), tooMany.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DmMath.load(dir, DmMath.Module.SORT, -1));
        write("train-easy", m + ".txt", "q1", "a1", "q2");
        var odd = assertThrows(UncheckedIOException.class, () -> DmMath.load(dir, DmMath.Module.SORT, 0));
        assertTrue(odd.getMessage().contains("ends with a question"), odd.getMessage());
    }

    /** The generated files in MODMASK_DATA/dm_math (see their README): 30,000 pairs per difficulty, 5,000 interpolate. */
    @Test
    void realFilesWithThePapersHeldOutTestSets() {
        DmMath sort = DmMath.load(DmMath.Module.SORT);
        assertEquals(1, sort.dropped(), "one medium question also occurs in easy (the data README)");
        assertEquals(10_000, sort.test(DmMath.Difficulty.EASY).size());
        assertEquals(20_000, sort.train(DmMath.Difficulty.EASY).size());
        assertEquals(19_999, sort.train(DmMath.Difficulty.MEDIUM).size());
        assertEquals(20_000, sort.train(DmMath.Difficulty.HARD).size());
        assertEquals(5_000, sort.interpolate().size());
        // numpy: RandomState(1234).choice(30000, ...) starts 13125, 14635; choice(29999, ...) starts 2908
        Path root = Workspace.data().resolve("dm_math");
        List<DmMath.Pair> easy = DmMath.read(root.resolve("train-easy/comparison__sort.txt.gz"));
        assertEquals(easy.get(13125), sort.test(DmMath.Difficulty.EASY).get(0));
        assertEquals(easy.get(14635), sort.test(DmMath.Difficulty.EASY).get(1));
        var seen = new HashSet<>(questions(easy));
        List<DmMath.Pair> medium = new ArrayList<>(DmMath.read(root.resolve("train-medium/comparison__sort.txt.gz")));
        medium.removeIf(p -> seen.contains(p.question()));
        assertEquals(medium.get(2908), sort.test(DmMath.Difficulty.MEDIUM).get(0));

        String v = sort.vocab();
        for (int i = 1; i < v.length(); i++) assertTrue(v.charAt(i - 1) < v.charAt(i), "sorted, no repeats: " + v);
        for (char c : "0123456789-., ".toCharArray()) assertTrue(v.indexOf(c) >= 0, "'" + c + "' in " + v);
        assertEquals(v.length(), sort.eos());
        var q = sort.test(DmMath.Difficulty.HARD).get(0).question();
        Dataset one = sort.toDataset("one", List.of(sort.test(DmMath.Difficulty.HARD).get(0)));
        assertEquals(q, sort.decode(one.column("src").getRow(0)));
        assertEquals(10_000, sort.testSet(DmMath.Difficulty.HARD).size());
    }

    /** A ustar entry: 512-byte header (name, octal size, type '0', magic), the content padded to 512 bytes. */
    private static void tarEntry(OutputStream out, String name, byte[] content) throws IOException {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, h, 0, n.length);
        byte[] size = String.format("%011o", content.length).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(size, 0, h, 124, size.length);
        h[156] = '0';
        System.arraycopy("ustar".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 5);
        out.write(h);
        out.write(content);
        out.write(new byte[(512 - content.length % 512) % 512]);
    }

    /**
     * The network path without a network: a release archive already in the directory (as a finished download leaves
     * it) is unpacked into the layout {@code load} reads, taking only the five modules' files.
     */
    @Test
    void downloadUnpacksTheOfficialReleaseLayout() throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("mathematics_dataset-v1.0.tar.gz")))) {
            for (String f : List.of("train-easy", "train-medium", "train-hard", "interpolate"))
                for (DmMath.Module m : DmMath.Module.values())
                    tarEntry(out, "mathematics_dataset-v1.0/" + f + "/" + m.file() + ".txt",
                            (f + " " + m.file() + "?\n42\n" + "two?\n7\n").getBytes(StandardCharsets.US_ASCII));
            tarEntry(out, "mathematics_dataset-v1.0/train-easy/numbers__gcd.txt", "q\na\n".getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[1024]);
        }
        assertEquals(dir, DmMath.download(dir));
        assertTrue(Files.exists(dir.resolve("interpolate/polynomials__collect.txt")));
        assertFalse(Files.exists(dir.resolve("train-easy/numbers__gcd.txt")), "other modules are not unpacked");
        DmMath math = DmMath.load(dir, DmMath.Module.LINEAR_1D, 1);
        assertEquals(3, math.dropped(), "'two?' is in every file: kept in easy only");
        assertEquals(List.of("train-hard algebra__linear_1d?"), questions(math.test(DmMath.Difficulty.HARD)));
        assertEquals(List.of("interpolate algebra__linear_1d?"), questions(math.interpolate()));
        assertEquals("42", math.interpolate().get(0).answer());
    }
}
