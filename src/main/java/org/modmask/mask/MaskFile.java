package org.modmask.mask;

import org.modmask.nn.Model;
import org.modmask.nn.Param;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.SerializationFeature;

import java.io.*;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.*;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Mask files that other tools read without modmask: the logits in a NumPy {@code .npz} archive, one float32 array
 * per parameter name ({@code layers.0.weight}), and a JSON manifest beside it ({@code mask.npz} → {@code mask.json})
 * with the mask's name, each parameter's shape and kept count, the model's parameter names, shapes and a SHA-256 of
 * its weights, the settings that trained the mask and its provenance.
 * <pre>{@code
 * MaskFile.save(plus, Path.of("plus.npz"), model, masks.settingsMap());   // writes plus.npz and plus.json
 * WeightMask back = MaskFile.load(Path.of("plus.npz"), model);             // checks names and shapes against the model
 * }</pre>
 * In Python, {@code np.load("plus.npz")["layers.0.weight"] >= 0} is the binary mask modmask applies (a weight is
 * counted as kept when its logit is {@code > 0} and used when it is {@code ≥ 0}). Archives written by
 * {@code numpy.savez} or {@code savez_compressed} load too: float32/64 logits, or booleans (kept → logit +10,
 * removed → −10); a manifest is optional there.
 */
public final class MaskFile {
    /** The manifest's {@code format} value. */
    public static final String FORMAT = "modmask mask";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MaskFile() {
    }

    /** The manifest that goes with an archive: {@code x.npz} → {@code x.json}. */
    public static Path manifestOf(Path npz) {
        String n = npz.getFileName().toString();
        String stem = n.endsWith(".npz") ? n.substring(0, n.length() - 4) : n;
        return npz.resolveSibling(stem + ".json");
    }

    /** Writes the mask's logits and a manifest without model details. */
    public static Path save(WeightMask mask, Path npz) throws IOException {
        return save(mask, npz, null, null);
    }

    /**
     * Writes {@code npz} (the logits) and its manifest ({@link #manifestOf}). With a model, the manifest records its
     * parameter names, shapes and weight hash, so that a reader can tell which network the mask belongs to; the
     * settings are what trained the mask ({@code Masks.settingsMap()}), may be null.
     */
    public static Path save(WeightMask mask, Path npz, Model model, Map<String, String> settings) throws IOException {
        if (!npz.getFileName().toString().endsWith(".npz"))
            throw new IllegalArgumentException("a NumPy archive's name ends in .npz, got " + npz.getFileName());
        if (model != null) mask.checkFits(model);
        org.modmask.AtomicFile.write(npz, out -> {
            try (ZipOutputStream zip = new ZipOutputStream(out)) {
                for (String p : mask.params()) {
                    zip.putNextEntry(new ZipEntry(p + ".npy"));
                    writeNpy(zip, mask.logits(p));
                    zip.closeEntry();
                }
            }
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", FORMAT);
        m.put("format_version", 1);
        m.put("mask", mask.name());
        m.put("logits", npz.getFileName().toString());
        m.put("kept_when", "logit > 0 (applied when logit >= 0)");
        Map<String, Object> params = new LinkedHashMap<>();
        for (String p : mask.params()) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("shape", mask.logits(p).shape());
            e.put("kept", mask.keptCount(p));
            e.put("size", mask.size(p));
            params.put(p, e);
        }
        m.put("parameters", params);
        if (model != null) {
            Map<String, Object> md = new LinkedHashMap<>();
            Map<String, Object> shapes = new LinkedHashMap<>();
            for (Param p : model.parameters()) shapes.put(p.name(), p.shape());
            md.put("parameters", shapes);
            md.put("sha256", weightHash(model));
            m.put("model", md);
        }
        if (settings != null) m.put("settings", new TreeMap<>(settings));
        if (mask.provenance() != null) m.put("provenance", mask.provenance());
        byte[] json = JSON.writeValueAsBytes(m);
        org.modmask.AtomicFile.write(manifestOf(npz), out -> out.write(json));
        return npz;
    }

    /** Reads a mask archive (and its manifest when present, for the mask's name and provenance). */
    public static WeightMask load(Path npz) throws IOException {
        if (!Files.isRegularFile(npz)) throw new FileNotFoundException("no mask archive at " + npz);
        LinkedHashMap<String, INDArray> logits = new LinkedHashMap<>();
        try (ZipFile zf = new ZipFile(npz.toFile())) {
            for (ZipEntry e : Collections.list(zf.entries())) {
                if (!e.getName().endsWith(".npy")) continue;
                String param = e.getName().substring(0, e.getName().length() - 4);
                try (InputStream in = new BufferedInputStream(zf.getInputStream(e))) {
                    logits.put(param, readNpy(in, param));
                }
            }
        } catch (java.util.zip.ZipException ex) {
            throw new IOException("mask archive " + npz + " is not a NumPy .npz (zip) file: " + ex.getMessage(), ex);
        } catch (IllegalArgumentException ex) {
            throw new IOException("mask archive " + npz + ": " + ex.getMessage(), ex);
        }
        if (logits.isEmpty()) throw new IOException("mask archive " + npz + " holds no .npy arrays");
        String name = npz.getFileName().toString().replaceFirst("\\.npz$", "");
        Map<String, String> provenance = null;
        Map<String, Object> manifest = manifest(npz);
        if (manifest != null) {
            if (!FORMAT.equals(manifest.get("format")))
                throw new IOException("manifest " + manifestOf(npz) + " is not a modmask mask manifest (format: " + manifest.get("format") + ")");
            if (manifest.get("mask") instanceof String s) name = s;
            if (manifest.get("provenance") instanceof Map<?, ?> p) {
                provenance = new TreeMap<>();
                for (var e : p.entrySet()) provenance.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
            }
        }
        try {
            return new WeightMask(name, logits).provenance(provenance);
        } catch (IllegalArgumentException ex) {
            throw new IOException("mask archive " + npz + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Reads a mask archive for a model: every array must name one of the model's parameters and have its shape;
     * the error names each misfit. A manifest whose weight hash differs from the model's is allowed (the same
     * architecture, other weights): {@link #sameWeights} tells.
     */
    public static WeightMask load(Path npz, Model model) throws IOException {
        WeightMask m = load(npz);
        List<String> problems = new ArrayList<>();
        for (String p : m.params()) {
            if (!model.hasParam(p)) {
                problems.add("'" + p + "' is not a parameter of the model");
                continue;
            }
            long[] want = model.param(p).shape(), got = m.logits(p).shape();
            if (!Arrays.equals(want, got))
                problems.add("'" + p + "' has shape " + Arrays.toString(got) + ", the model's " + Arrays.toString(want));
        }
        if (!problems.isEmpty())
            throw new IllegalArgumentException("mask archive " + npz + " does not fit the model: " + String.join("; ", problems)
                    + ". The model's parameters: " + model.parameters());
        return m;
    }

    /** True when the archive's manifest records the model's weight hash; false when it records another, or none. */
    public static boolean sameWeights(Path npz, Model model) throws IOException {
        Map<String, Object> m = manifest(npz);
        return m != null && m.get("model") instanceof Map<?, ?> md && weightHash(model).equals(md.get("sha256"));
    }

    /** The manifest as a map, or null when the archive has none. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> manifest(Path npz) throws IOException {
        Path j = manifestOf(npz);
        if (!Files.isRegularFile(j)) return null;
        try {
            return JSON.readValue(j.toFile(), LinkedHashMap.class);
        } catch (IOException ex) {
            throw new IOException("manifest " + j + " is not valid JSON: " + ex.getMessage(), ex);
        }
    }

    /** SHA-256 (hex) over the model's parameter names, shapes and float32 values, in definition order. */
    public static String weightHash(Model model) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Param p : model.parameters()) {
                md.update(p.name().getBytes(StandardCharsets.UTF_8));
                md.update(Arrays.toString(p.shape()).getBytes(StandardCharsets.UTF_8));
                md.update(float32LittleEndian(model.get(p.name())));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    // ---- the .npy format (NumPy's format.py, version 1.0 written; 1.0–3.0 read) -------------------------------------

    static void writeNpy(OutputStream out, INDArray a) throws IOException {
        long[] shape = a.shape();
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) s.append(shape[i]).append(shape.length == 1 ? "," : i < shape.length - 1 ? ", " : "");
        s.append(")");
        String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + s + ", }";
        int unpadded = 10 + dict.length() + 1;                  // magic, version, length; the dict; the newline
        int pad = (64 - unpadded % 64) % 64;                    // NumPy aligns the data to 64 bytes
        String header = dict + " ".repeat(pad) + "\n";
        ByteBuffer h = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        h.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0).putShort((short) header.length());
        out.write(h.array());
        out.write(header.getBytes(StandardCharsets.US_ASCII));
        out.write(float32LittleEndian(a));
    }

    /** An array's values as float32, row-major, little-endian: the bytes of a {@code <f4} .npy body. */
    private static byte[] float32LittleEndian(INDArray a) {
        float[] v = a.castTo(DataType.FLOAT).dup('c').data().asFloat();
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        return b.array();
    }

    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    static INDArray readNpy(InputStream in, String param) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] magic = new byte[6];
        d.readFully(magic);
        if ((magic[0] & 0xff) != 0x93 || !new String(magic, 1, 5, StandardCharsets.US_ASCII).equals("NUMPY"))
            throw new IllegalArgumentException("'" + param + ".npy' is not a NumPy array file");
        int major = d.readUnsignedByte();
        d.readUnsignedByte();
        long len;
        if (major == 1) len = Short.toUnsignedInt(Short.reverseBytes(d.readShort()));
        else if (major == 2 || major == 3) len = Integer.toUnsignedLong(Integer.reverseBytes(d.readInt()));
        else throw new IllegalArgumentException("'" + param + ".npy' has .npy format version " + major + ", this reader knows 1 to 3");
        byte[] hb = new byte[(int) len];
        d.readFully(hb);
        String header = new String(hb, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        Matcher dm = DESCR.matcher(header), fm = FORTRAN.matcher(header), sm = SHAPE.matcher(header);
        if (!dm.find() || !fm.find() || !sm.find())
            throw new IllegalArgumentException("'" + param + ".npy' has an unreadable header: " + header.trim());
        String descr = dm.group(1);
        boolean fortran = fm.group(1).equals("True");
        List<Long> dims = new ArrayList<>();
        for (String t : sm.group(1).split(",")) if (!t.isBlank()) dims.add(Long.parseLong(t.trim()));
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long n = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
        if (n > Integer.MAX_VALUE / 8) throw new IllegalArgumentException("'" + param + ".npy' is too large (" + n + " values)");
        float[] v = new float[(int) n];
        switch (descr) {
            case "<f4" -> {
                ByteBuffer b = ByteBuffer.wrap(d.readNBytes(4 * (int) n)).order(ByteOrder.LITTLE_ENDIAN);
                checkLength(b, 4 * n, param);
                b.asFloatBuffer().get(v);
            }
            case "<f8" -> {
                ByteBuffer b = ByteBuffer.wrap(d.readNBytes(8 * (int) n)).order(ByteOrder.LITTLE_ENDIAN);
                checkLength(b, 8 * n, param);
                for (int i = 0; i < n; i++) v[i] = (float) b.getDouble();
            }
            case "|b1" -> {
                byte[] b = d.readNBytes((int) n);
                checkLength(ByteBuffer.wrap(b), n, param);
                for (int i = 0; i < n; i++) v[i] = b[i] != 0 ? 10f : -10f;    // a decided mask, as WeightMask's set operations make
            }
            default -> throw new IllegalArgumentException("'" + param + ".npy' holds dtype " + descr
                    + "; mask logits must be little-endian float32/64 (<f4, <f8) or bool (|b1)");
        }
        INDArray flat = Nd4j.createFromArray(v);
        if (shape.length == 0) throw new IllegalArgumentException("'" + param + ".npy' is a scalar; a mask has one logit per weight");
        return flat.reshape(fortran ? 'f' : 'c', shape).dup('c');
    }

    private static void checkLength(ByteBuffer b, long want, String param) {
        if (b.remaining() < want)
            throw new IllegalArgumentException("'" + param + ".npy' is truncated: " + b.remaining() + " of " + want + " data bytes");
    }
}
