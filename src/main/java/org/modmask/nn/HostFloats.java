package org.modmask.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

/**
 * Plain-Java access to float arrays in ND4J's native memory, for the element-wise hot loops (mask sampling,
 * Adam) that ND4J would run as a dozen separate passes. Library-internal; the loops fall back to ND4J ops
 * where {@link #supports} is false.
 */
public final class HostFloats {
    /** On a GPU backend the arrays live in device memory; a Java pass would read stale host copies. */
    private static final boolean CPU = Nd4j.getBackend().getClass().getName().contains(".cpu.");

    private HostFloats() {
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
