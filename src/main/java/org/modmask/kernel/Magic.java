package org.modmask.kernel;

import java.io.IOException;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.TimeUnit;

/**
 * IJava's magics: line magics {@code %jars}, {@code %classpath}, {@code %maven}, {@code %load} (run in order with
 * the Java lines around them) and the cell magic {@code %%time}. Anything else starting with {@code %} is an
 * error that names the magic.
 */
final class Magic {
    private final ModmaskKernel kernel;

    Magic(ModmaskKernel kernel) {
        this.kernel = kernel;
    }

    Object evalCell(String code) throws Exception {
        String stripped = code.stripLeading();
        if (stripped.startsWith("%%")) {
            int nl = stripped.indexOf('\n');
            String header = (nl < 0 ? stripped : stripped.substring(0, nl)).substring(2).trim();
            String body = nl < 0 ? "" : stripped.substring(nl + 1);
            String name = header.split("\\s+")[0];
            if (name.equals("time")) {
                long t0 = System.nanoTime();
                try {
                    return evalLines(body);
                } finally {
                    double s = (System.nanoTime() - t0) / 1e9;
                    System.out.printf("Wall time: %.3f s%n", s);
                }
            }
            throw new ModmaskKernel.CellException("unknown cell magic %%" + name + " (known: %%time)");
        }
        return evalLines(code);
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
                for (String a : args) maven(a);
                return null;
            }
            case "load" -> {
                if (args.size() != 1) throw new ModmaskKernel.CellException("%load takes one file, got " + args);
                Path p = Path.of(args.get(0));
                if (!Files.isRegularFile(p)) throw new ModmaskKernel.CellException("%load: no file " + p.toAbsolutePath());
                return evalCell(Files.readString(p));
            }
            default -> throw new ModmaskKernel.CellException("unknown line magic %" + name
                    + " (known: %jars, %classpath, %maven, %load; cell magic %%time)");
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

    /** Resolves group:artifact:version with Maven (this platform's natives only) and adds the jars. */
    private void maven(String coords) throws Exception {
        String[] c = coords.split(":");
        if (c.length < 3) throw new ModmaskKernel.CellException("%maven expects group:artifact:version, got '" + coords + "'");
        Path dir = Files.createTempDirectory("modmask-maven");
        String pom = """
                <project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
                <groupId>modmask.magic</groupId><artifactId>resolve</artifactId><version>1</version>
                <dependencies><dependency><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version>%s</dependency></dependencies>
                </project>""".formatted(c[0], c[1], c[2], c.length > 3 ? "<classifier>" + c[3] + "</classifier>" : "");
        Files.writeString(dir.resolve("pom.xml"), pom);
        String platform = System.getProperty("javacpp.platform", "linux-x86_64");
        ProcessBuilder pb = new ProcessBuilder("mvn", "-q", "-B", "-Djavacpp.platform=" + platform,
                "dependency:copy-dependencies", "-DoutputDirectory=" + dir.resolve("lib"))
                .directory(dir.toFile()).redirectErrorStream(true);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ModmaskKernel.CellException("%maven needs Apache Maven ('mvn') on the PATH: " + e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            String reason = out.lines().filter(l -> l.contains("ERROR")).findFirst().orElse(out.strip());
            throw new ModmaskKernel.CellException("%maven could not resolve " + coords + ": " + reason);
        }
        try (var s = Files.list(dir.resolve("lib"))) {
            for (Path jar : s.sorted().toList()) kernel.shell().addToClasspath(jar.toString());
        }
    }
}
