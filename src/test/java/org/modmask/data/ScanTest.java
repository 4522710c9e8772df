package org.modmask.data;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** The official SCAN files (MODMASK_DATA, as CI sets it): counts per split, vocabularies, padded columns. */
class ScanTest {
    static final Scan SCAN = Scan.load();

    @Test
    void countsPerSplit() {
        int[][] expected = {{16_728, 4_182}, {14_670, 7_706}, {16_990, 3_920}, {21_890, 1_208}};
        Scan.Split[] splits = {Scan.Split.SIMPLE, Scan.Split.JUMP, Scan.Split.LENGTH, Scan.Split.TURN_LEFT};
        for (int i = 0; i < splits.length; i++) {
            assertEquals(expected[i][0], SCAN.pairs(splits[i], true).size(), splits[i] + " train");
            assertEquals(expected[i][1], SCAN.pairs(splits[i], false).size(), splits[i] + " test");
        }
        assertEquals(22, SCAN.maxOutLength(Scan.Split.LENGTH, true));
        assertEquals(48, SCAN.maxOutLength(Scan.Split.LENGTH, false));
    }

    @Test
    void vocabulariesAreTheSpecs() {
        assertEquals(List.of("left", "right", "twice", "thrice", "opposite", "around", "and", "after", "jump", "run", "walk", "look", "turn"),
                SCAN.inVocab());
        assertEquals(13, SCAN.inEos());
        assertEquals(List.of("I_TURN_LEFT", "I_TURN_RIGHT", "I_JUMP", "I_WALK", "I_RUN", "I_LOOK"), SCAN.outVocab());
        assertEquals(6, SCAN.outEos());
        for (boolean commands : new boolean[]{true, false}) {      // every token is known, most frequent first
            var counts = SCAN.counts(commands);
            List<String> vocab = commands ? SCAN.inVocab() : SCAN.outVocab();
            assertEquals(new java.util.HashSet<>(vocab), counts.keySet());
            for (int i = 1; i < vocab.size(); i++)
                assertTrue(counts.get(vocab.get(i - 1)) >= counts.get(vocab.get(i)), vocab.get(i - 1) + " before " + vocab.get(i));
        }
        assertEquals(35_822, SCAN.counts(true).get("jump"));
    }

    @Test
    void paddedColumnsAndMasks() {
        Scan.Pair p = new Scan.Pair(List.of("jump", "twice"), List.of("I_JUMP", "I_JUMP"));
        Scan.Pair q = new Scan.Pair(List.of("walk"), List.of("I_WALK"));
        Dataset d = SCAN.toDataset("two", List.of(p, q));
        int jump = SCAN.inVocab().indexOf("jump"), twice = SCAN.inVocab().indexOf("twice"), walk = SCAN.inVocab().indexOf("walk");
        int aj = SCAN.outVocab().indexOf("I_JUMP"), aw = SCAN.outVocab().indexOf("I_WALK");
        assertArrayEquals(new float[]{jump, twice, 13}, d.column("src").getRow(0).toFloatVector());
        assertArrayEquals(new float[]{walk, 13, 0}, d.column("src").getRow(1).toFloatVector(), "padded with 0");
        assertArrayEquals(new float[]{1, 1, 0}, d.column("src_mask").getRow(1).toFloatVector());
        assertArrayEquals(new float[]{6, aj, aj}, d.column("tgt_in").getRow(0).toFloatVector(), "SOS then the actions");
        assertArrayEquals(new float[]{aj, aj, 6}, d.column("tgt_out").getRow(0).toFloatVector(), "the actions then EOS");
        assertArrayEquals(new float[]{aw, 6, 0}, d.column("tgt_out").getRow(1).toFloatVector());
        assertArrayEquals(new float[]{1, 1, 0}, d.column("tgt_mask").getRow(1).toFloatVector());
        assertEquals("I_JUMP I_JUMP", SCAN.decode(d.column("tgt_out").getRow(0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SCAN.toDataset("bad", List.of(new Scan.Pair(List.of("fly"), List.of("I_WALK")))));
        assertTrue(e.getMessage().contains("'fly'"), e.getMessage());
    }

    @Test
    void rejectsMalformedLines() {
        IOException e = assertThrows(IOException.class, () -> Scan.parse("f.txt", List.of("IN: jump OUT: I_JUMP", "jump I_JUMP")));
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }
}
