package org.modmask;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ProvenanceTest {
    @Test
    void theCodeVersionNamesTheClassesDigestAndTheCommitOfACheckout() throws Exception {
        String v = Provenance.codeVersion();
        assertTrue(v.matches(".* classes [0-9a-f]{8}"), v);
        Path classes = Path.of(Provenance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String head = Provenance.gitCommit(classes);
        if (head != null) assertTrue(v.contains(" git " + head.substring(0, 7) + " "), v);   // a clean clone is a checkout
        assertEquals(Provenance.classesDigest(classes), Provenance.classesDigest(classes), "the digest is stable");
    }

    @Test
    void gitCommitFollowsLooseAndPackedRefs(@TempDir Path dir) throws Exception {
        Path git = Files.createDirectories(dir.resolve(".git/refs/heads"));
        Files.writeString(dir.resolve(".git/HEAD"), "ref: refs/heads/main\n");
        assertNull(Provenance.gitCommit(dir.resolve("target/classes")));
        String a = "a".repeat(40), b = "b".repeat(40);
        Files.writeString(dir.resolve(".git/packed-refs"), "# pack-refs\n" + a + " refs/heads/main\n");
        assertEquals(a, Provenance.gitCommit(dir.resolve("target/classes")));
        Files.writeString(git.resolve("main"), b + "\n");
        assertEquals(b, Provenance.gitCommit(dir.resolve("target/classes")), "a loose ref wins over the packed one");
    }

    @Test
    void durationsAndDescriptionsReadWell() {
        assertEquals("42 s", Provenance.duration(42.4));
        assertEquals("3 min 5 s", Provenance.duration(185));
        assertEquals("1 h 12 min", Provenance.duration(4320));
        String d = Provenance.describe(Map.of("ended", "2026-12-07T05:24:00Z", "wall.seconds", "4320.0", "sittings", "3",
                "steps", "20000", "threads", "2", "preset", "paper", "code", "0.0.1 classes 00000000"));
        assertEquals("trained 2026-12-07 05:24 UTC in 1 h 12 min over 3 sittings (20,000 steps, 2 threads, paper preset, code "
                + "0.0.1 classes 00000000, not this code: " + Provenance.codeVersion() + ")", d);
        assertTrue(Provenance.describe(null).contains("before results carried a manifest"));
    }
}
