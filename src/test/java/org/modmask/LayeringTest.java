package org.modmask;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

import static org.junit.jupiter.api.Assertions.*;

/** The kernel sits on top of the library: nothing below it names it, and it hooks in as a service. */
class LayeringTest {
    @Test
    void onlyTheKernelPackageNamesTheKernel() throws Exception {
        Path src = Path.of("src/main/java/org/modmask");
        List<String> offenders = new ArrayList<>();
        try (var files = Files.walk(src)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && !p.startsWith(src.resolve("kernel"))).toList())
                if (Files.readString(f).contains("org.modmask.kernel")) offenders.add(src.relativize(f).toString());
        }
        assertEquals(List.of(), offenders, "library classes that name the kernel package");
    }

    /** The pipeline's order: a package may use its own classes and those of packages below it, nothing else. */
    static final List<String> ORDER = List.of("org.modmask", "org.modmask.data", "org.modmask.nn", "org.modmask.train",
            "org.modmask.mask", "org.modmask.cluster|org.modmask.analysis", "org.modmask.plot", "org.modmask.experiment",
            "org.modmask.bench", "org.modmask.kernel");

    static int level(String pkg) {
        for (int i = 0; i < ORDER.size(); i++) if (List.of(ORDER.get(i).split("\\|")).contains(pkg)) return i;
        throw new AssertionError("package " + pkg + " has no place in the pipeline order " + ORDER);
    }

    @Test
    void noClassUsesAPackageAboveItsOwn() {
        // jdeps reads the compiled classes, so a fully-qualified name that no import line shows counts too
        var jdeps = java.util.spi.ToolProvider.findFirst("jdeps").orElseThrow();
        var out = new java.io.StringWriter();
        int rc = jdeps.run(new java.io.PrintWriter(out), new java.io.PrintWriter(new java.io.StringWriter()),
                "-verbose:class", "-filter:none", "-e", "org\\.modmask\\..*|org\\.modmask\\.[A-Z].*", "target/classes");
        assertEquals(0, rc, out.toString());
        List<String> offenders = new ArrayList<>();
        int edges = 0;
        for (String line : out.toString().split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 3 || !f[1].equals("->") || !f[0].startsWith("org.modmask") || !f[2].startsWith("org.modmask")) continue;
            edges++;
            String from = f[0].substring(0, f[0].lastIndexOf('.')), to = f[2].substring(0, f[2].lastIndexOf('.'));
            if (from.equals(to)) continue;
            if (level(to) >= level(from)) offenders.add(f[0] + " -> " + f[2]);
        }
        assertTrue(edges > 100, "jdeps found the classes' dependencies: " + edges);
        assertEquals(List.of(), offenders, "dependencies against the pipeline order " + ORDER);
    }

    @Test
    void theKernelsDisplayHookIsFoundAsAService() {
        List<String> found = ServiceLoader.load(FirstUse.class).stream().map(p -> p.type().getName()).toList();
        assertEquals(List.of("org.modmask.kernel.AutoDisplay"), found);
    }
}
