package org.modmask;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class ThreadsTest {
    @Test
    void setsTheNativeThreadCountAndRejectsZero() {
        int before = Threads.current();
        try {
            Threads.use(1);
            assertEquals(1, Threads.current());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Threads.use(0));
            assertTrue(e.getMessage().contains("got 0"), e.getMessage());
        } finally {
            Threads.use(before);
        }
        assertEquals(before, Threads.current());
    }
}
