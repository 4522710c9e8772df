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

    @Test
    void theKernelsDisplayHookIsFoundAsAService() {
        List<String> found = ServiceLoader.load(FirstUse.class).stream().map(p -> p.type().getName()).toList();
        assertEquals(List.of("org.modmask.kernel.AutoDisplay"), found);
    }
}
