package org.modmask.kernel;

import java.io.IOException;
import java.nio.file.*;
import java.util.*;

/**
 * JJava's magics. Line magics, run in order with the Java lines around them: {@code %maven} (with {@code from=}
 * repositories), {@code %mavenRepo}, {@code %loadFromPOM}, {@code %classpath}, {@code %jars} (kept for old notebooks),
 * {@code %load} and {@code %time}. Cell magics: {@code %%time} and {@code %%loadFromPOM}. Anything else starting
 * with {@code %} is an error that names the magic.
 */
final class Magic {
    static final String KNOWN = "%maven, %mavenRepo, %loadFromPOM, %classpath, %jars, %load, %time; cell magics %%time, %%loadFromPOM";
    private final ModmaskKernel kernel;
    private final Maven maven = new Maven();

    Magic(ModmaskKernel kernel) {
        this.kernel = kernel;
    }

    Object evalCell(String code) throws Exception {
        String stripped = code.stripLeading();
        if (stripped.startsWith("%%")) {
            int nl = stripped.indexOf('\n');
            String header = (nl < 0 ? stripped : stripped.substring(0, nl)).substring(2).trim();
            String body = nl < 0 ? "" : stripped.substring(nl + 1);
            String[] words = header.split("\\s+");
            String name = words[0];
            switch (name) {
                case "time" -> {
                    return timed(() -> evalLines(body));
                }
                case "loadFromPOM" -> {
                    added(maven.loadFromPom(body, scopes(Arrays.asList(words).subList(1, words.length))), "%%loadFromPOM");
                    return null;
                }
                default -> throw new ModmaskKernel.CellException("unknown cell magic %%" + name + " (known: " + KNOWN + ")");
            }
        }
        return evalLines(code);
    }

    private interface Body {
        Object run() throws Exception;
    }

    private static Object timed(Body body) throws Exception {
        long t0 = System.nanoTime();
        try {
            return body.run();
        } finally {
            System.out.printf("Wall time: %.3f s%n", (System.nanoTime() - t0) / 1e9);
        }
    }

    /** Scopes named after a POM ({@code compile runtime} when none are). */
    private static Set<String> scopes(List<String> named) {
        return named.isEmpty() ? Set.of("compile", "runtime") : new HashSet<>(named);
    }

    private void added(List<Path> jars, String magic) {
        for (Path p : jars) kernel.shell().addToClasspath(p.toAbsolutePath().toString());
        System.out.println(magic + ": " + jars.size() + (jars.size() == 1 ? " jar" : " jars") + " added to the classpath");
    }

    private Object evalLines(String code) throws Exception {
        StringBuilder java = new StringBuilder();
        Object last = null;
        for (String line : code.split("\n", -1)) {
            String t = line.strip();
            if (t.startsWith("%") && !t.startsWith("%%")) {
                if (!java.toString().isBlank()) kernel.evalJava(java.toString());
                java.setLength(0);
                last = lineMagic(t.substring(1));
            } else {
                java.append(line).append('\n');
            }
        }
        if (!java.toString().isBlank()) last = kernel.evalJava(java.toString());
        return last;
    }

    private Object lineMagic(String line) throws Exception {
        String[] parts = line.trim().split("\\s+");
        String name = parts[0];
        List<String> args = Arrays.asList(parts).subList(1, parts.length);
        switch (name) {
            case "jars", "classpath" -> {
                for (String a : args) addPath(a, name.equals("jars"));
                return null;
            }
            case "maven" -> {
                List<String> coords = new ArrayList<>(), from = new ArrayList<>();
                for (String a : args) {
                    if (a.startsWith("from=")) from.addAll(Arrays.asList(a.substring(5).split(",")));
                    else coords.add(a);
                }
                if (coords.isEmpty()) throw new ModmaskKernel.CellException("%maven needs group:artifact:version coordinates");
                added(maven.resolve(coords, from), "%maven");
                return null;
            }
            case "mavenRepo" -> {
                if (args.size() != 2) throw new ModmaskKernel.CellException("%mavenRepo takes an id and a URL, got " + args);
                maven.addRepository(args.get(0), args.get(1));
                return null;
            }
            case "loadFromPOM" -> {
                if (args.isEmpty()) throw new ModmaskKernel.CellException("%loadFromPOM takes a pom.xml path (and optionally scopes)");
                Path pom = Path.of(args.get(0));
                if (!Files.isRegularFile(pom)) throw new ModmaskKernel.CellException("%loadFromPOM: no file " + pom.toAbsolutePath());
                added(maven.loadFromPom(Files.readString(pom), scopes(args.subList(1, args.size()))), "%loadFromPOM");
                return null;
            }
            case "load" -> {
                if (args.size() != 1) throw new ModmaskKernel.CellException("%load takes one file, got " + args);
                Path p = Path.of(args.get(0));
                if (!Files.isRegularFile(p)) throw new ModmaskKernel.CellException("%load: no file " + p.toAbsolutePath());
                return evalCell(Files.readString(p));
            }
            case "time" -> {
                String java = line.trim().substring(4);
                return timed(() -> kernel.evalJava(java));
            }
            default -> throw new ModmaskKernel.CellException("unknown line magic %" + name + " (known: " + KNOWN + ")");
        }
    }

    private void addPath(String pattern, boolean jarsOnly) throws IOException, ModmaskKernel.CellException {
        List<Path> found = glob(pattern);
        if (jarsOnly) found.removeIf(p -> !p.toString().endsWith(".jar"));
        if (found.isEmpty()) throw new ModmaskKernel.CellException("no " + (jarsOnly ? "jar" : "file") + " matches '" + pattern + "'");
        for (Path p : found) kernel.shell().addToClasspath(p.toAbsolutePath().toString());
    }

    private static List<Path> glob(String pattern) throws IOException {
        Path direct = Path.of(pattern);
        List<Path> out = new ArrayList<>();
        if (Files.exists(direct)) {
            if (Files.isDirectory(direct) && pattern.endsWith("/*")) {
                try (var s = Files.list(direct)) {
                    s.forEach(out::add);
                }
            } else out.add(direct);
            return out;
        }
        Path parent = direct.getParent() == null ? Path.of(".") : direct.getParent();
        if (!Files.isDirectory(parent)) return out;
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + direct.getFileName());
        try (var s = Files.list(parent)) {
            s.filter(p -> m.matches(p.getFileName())).sorted().forEach(out::add);
        }
        return out;
    }
}
