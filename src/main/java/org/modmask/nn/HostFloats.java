package org.modmask.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.stream.IntStream;

/**
 * Plain-Java access to float arrays in ND4J's native memory, for the element-wise hot loops (mask sampling,
 * Adam) that ND4J would run as a dozen separate passes. Library-internal; the loops fall back to ND4J ops
 * where {@link #supports} is false.
 */
public final class HostFloats {
    /** On a GPU backend the arrays live in device memory; a Java pass would read stale host copies. */
    private static final boolean CPU = Nd4j.getBackend().getClass().getName().contains(".cpu.");

    /** Elements per chunk of {@link #chunks}; fixed, since the mask noise is drawn per chunk (same draws on any thread count). */
    public static final int CHUNK = 1 << 15;

    /** Per-thread chunk buffers, so that a pass over 12M weights allocates nothing. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[4][CHUNK]);

    private HostFloats() {
    }

    /** One chunk of a pass: elements [from, from + len), chunk number {@code chunk}, and 4 scratch arrays of {@link #CHUNK} floats. */
    @FunctionalInterface
    public interface Chunk {
        void run(int chunk, int from, int len, float[][] scratch);
    }

    /** Runs {@code body} over [0, n) in chunks of {@link #CHUNK}, in parallel (the common fork-join pool). */
    public static void chunks(int n, Chunk body) {
        IntStream.range(0, (n + CHUNK - 1) / CHUNK).parallel()
                .forEach(c -> body.run(c, c * CHUNK, Math.min(n, c * CHUNK + CHUNK) - c * CHUNK, SCRATCH.get()));
    }

    /** True when every array is float32, contiguous, row-major and unshared, on the CPU backend. */
    public static boolean supports(INDArray... arrays) {
        if (!CPU) return false;
        for (INDArray a : arrays)
            if (a.dataType() != DataType.FLOAT || a.isView() || a.ordering() != 'c' || a.offset() != 0
                    || a.length() >= Integer.MAX_VALUE) return false;
        return true;
    }

    /** The array's memory as a float buffer (only where {@link #supports} holds). */
    public static FloatBuffer view(INDArray a) {
        return a.data().asNio().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
}
