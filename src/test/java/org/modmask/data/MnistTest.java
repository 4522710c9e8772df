package org.modmask.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The official IDX files read into [0, 1] pixels and one-hot labels (data from MODMASK_DATA, as CI sets it). */
class MnistTest {
    @Test
    void readsTheOfficialFiles() {
        Dataset test = Mnist.test();
        assertEquals(10_000, test.size());
        assertEquals(784, test.column("x").size(1));
        assertEquals(7, test.column("label").getInt(0), "the first test digit is a 7");
        assertEquals(2, test.column("label").getInt(1));
        assertEquals(0.0, test.column("x").minNumber().doubleValue());
        assertEquals(1.0, test.column("x").maxNumber().doubleValue());
        assertEquals(10_000, test.column("y").sumNumber().intValue(), "one label per image");
        Dataset train = Mnist.train();
        assertEquals(60_000, train.size());
        assertEquals(5, train.column("label").getInt(0), "the first training digit is a 5");
    }
}
