package org.modmask.nn;

import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.InferenceSession;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.*;

/**
 * Reuses the buffers of a graph's intermediate arrays from one call to the next.
 * <p>Why: SameDiff 1.0.0-M2.1's sessions release almost none of the arrays a gradient pass allocates (measured: 36 of
 * 1,644 per Transformer step, 766 MB). The rest wait for the garbage collector, so every step takes fresh memory
 * from the kernel, which zeroes each page: page clearing alone was 17% of a SCAN Transformer step's CPU time, and the
 * allocation path half of its samples. This manager hands the session buffers it used in an earlier call, keyed by
 * data type, shape and order, and takes back at the end of each call everything the call allocated except the arrays
 * returned to the caller (and views of them).
 * <p>Contents of a reused buffer are stale, as with SameDiff's own cache: ops overwrite their outputs.
 */
final class BufferPool extends AbstractMemoryMgr {
    private final long maxPooledBytes;
    private final Map<String, ArrayDeque<INDArray>> free = new HashMap<>();
    private final Set<INDArray> pooled = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<INDArray> live = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Map<INDArray, String> keys = new IdentityHashMap<>();
    /** Pooled arrays, oldest first, for eviction; keyed by a counter because INDArray equality is by value. */
    private final LinkedHashMap<Long, INDArray> order = new LinkedHashMap<>();
    private final Map<INDArray, Long> ticket = new IdentityHashMap<>();
    private long next;
    private long pooledBytes;

    BufferPool(long maxPooledBytes) {
        this.maxPooledBytes = maxPooledBytes;
    }

    /**
     * Runs one call of the graph with this pool as its sessions' memory manager, then takes back what the call
     * allocated except the arrays in {@code returned(result)}. The sessions get their own manager back afterwards, so
     * code that runs the graph directly is unaffected. (A session is made on a thread's first call; that call runs
     * with SameDiff's manager.)
     */
    <T> T around(SameDiff sd, java.util.function.Supplier<T> call, java.util.function.Function<T, Collection<INDArray>> returned) {
        return around(sd, call, returned, null);
    }

    /**
     * The same, and puts into {@code handedOut} the pool's key of every returned array it allocated itself, so that
     * the caller can {@link #recycle} them when done.
     */
    synchronized <T> T around(SameDiff sd, java.util.function.Supplier<T> call, java.util.function.Function<T, Collection<INDArray>> returned,
                              Map<INDArray, String> handedOut) {
        Map<InferenceSession, org.nd4j.autodiff.samediff.internal.SessionMemMgr> before = new IdentityHashMap<>();
        SameDiff grad = sd.getFunction("grad");
        adoptSession(sd);
        if (grad != null) adoptSession(grad);
        swapIn(sd, before);
        if (grad != null) swapIn(grad, before);
        boolean ok = false;
        try {
            T result = call.get();
            endCall(returned.apply(result), handedOut);
            ok = true;
            return result;
        } finally {
            before.forEach(InferenceSession::setMmgr);
            if (!ok) live.clear();        // after a failure, leave the arrays to the garbage collector
        }
    }

    /**
     * SameDiff keeps a session per thread, holding its last call's arrays, and never drops a finished thread's: each
     * mask training on a fresh worker thread built a new session (its first step 1.4–2 s instead of 0.45 for the
     * SCAN Transformer) and kept the old ones. Calls through a pool run one at a time, so a thread without a session
     * takes over one whose thread has ended.
     */
    private static void adoptSession(SameDiff sd) {
        Map<Long, InferenceSession> sessions = sd.getSessions();
        Long me = Thread.currentThread().getId();
        if (sessions.isEmpty() || sessions.containsKey(me)) return;
        Set<Long> alive = new HashSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) alive.add(t.getId());
        for (Long id : new ArrayList<>(sessions.keySet()))
            if (!alive.contains(id)) {
                sessions.put(me, sessions.remove(id));
                return;
            }
    }

    private void swapIn(SameDiff sd, Map<InferenceSession, org.nd4j.autodiff.samediff.internal.SessionMemMgr> before) {
        for (InferenceSession s : sd.getSessions().values()) {
            before.put(s, s.getMmgr());
            s.setMmgr(this);
        }
    }

    @Override
    public synchronized INDArray allocate(boolean detached, DataType dataType, long... shape) {
        String key = dataType + Arrays.toString(shape) + "c";
        INDArray a = take(key);
        if (a == null) a = Nd4j.createUninitializedDetached(dataType, shape);
        return track(a, key);
    }

    @Override
    public synchronized INDArray allocate(boolean detached, LongShapeDescriptor d) {
        if (d.isEmpty()) return Nd4j.create(d).detach();
        String key = d.dataType() + Arrays.toString(d.getShape()) + Arrays.toString(d.getStride()) + d.getOrder();
        INDArray a = take(key);
        if (a == null) a = Nd4j.create(d).detach();
        return track(a, key);
    }

    /** The session is done with an array: its buffer can serve the next allocation of the same kind. */
    @Override
    public synchronized void release(INDArray a) {
        if (a == null || !live.remove(a)) return;      // not ours, or already back
        give(a);
    }

    /** End of a call: takes back everything the call allocated, except what is shared with the returned arrays. */
    private void endCall(Collection<INDArray> returned, Map<INDArray, String> handedOut) {
        Set<DataBuffer> kept = Collections.newSetFromMap(new IdentityHashMap<>());
        for (INDArray r : returned) if (r != null) kept.add(root(r));
        for (INDArray a : live) {
            if (kept.contains(root(a))) {               // the caller's now: it may hand it back (recycle) or drop it
                String key = keys.remove(a);
                if (key != null && handedOut != null) handedOut.put(a, key);
            } else give(a);
        }
        live.clear();
    }

    /**
     * The caller is done with an array a call returned (a gradient, once the optimizer has used it): its buffer
     * serves the next call instead of going back to the operating system, which would zero fresh pages for the
     * next gradient of the same shape. Returns false when the array is not one the pool can take.
     */
    synchronized boolean recycle(INDArray a, String key) {
        if (a == null || key == null || a.wasClosed() || pooled.contains(a) || live.contains(a)) return false;
        keys.put(a, key);
        give(a);
        return true;
    }

    /** Whether the array is in the pool, free for the next call (for tests). */
    synchronized boolean holds(INDArray a) {
        return pooled.contains(a);
    }

    @Override
    public synchronized void close() {
        for (ArrayDeque<INDArray> q : free.values()) for (INDArray a : q) free(a);
        free.clear();
        pooled.clear();
        keys.clear();
        live.clear();
        order.clear();
        ticket.clear();
        pooledBytes = 0;
    }

    private INDArray take(String key) {
        ArrayDeque<INDArray> q = free.get(key);
        while (q != null && !q.isEmpty()) {
            INDArray a = q.pop();
            unpool(a);
            if (!a.wasClosed()) return a;
        }
        return null;
    }

    private INDArray track(INDArray a, String key) {
        live.add(a);
        keys.put(a, key);
        return a;
    }

    /**
     * Pools an array no one uses any more. Over the limit, the oldest pooled arrays are freed; an array too big for
     * the pool is freed at once. Freeing here matters: ND4J's native memory does not count towards the garbage
     * collector's heap, and greedy decoding (a new shape per step) piled up 20 GB in a minute before it did.
     */
    private void give(INDArray a) {
        String key = keys.remove(a);
        if (key == null || a.wasClosed() || pooled.contains(a)) return;
        long b = bytes(a);
        if (b > maxPooledBytes) {
            free(a);
            return;
        }
        while (pooledBytes + b > maxPooledBytes && !order.isEmpty()) {
            INDArray old = order.values().iterator().next();
            ArrayDeque<INDArray> q = free.get(keys.getOrDefault(old, ""));
            if (q != null) q.removeIf(x -> x == old);
            unpool(old);
            free(old);
        }
        free.computeIfAbsent(key, k -> new ArrayDeque<>()).push(a);
        keys.put(a, key);
        pooled.add(a);
        long t = next++;
        order.put(t, a);
        ticket.put(a, t);
        pooledBytes += b;
    }

    private void unpool(INDArray a) {
        pooled.remove(a);
        Long t = ticket.remove(a);
        if (t != null) order.remove(t);
        keys.remove(a);
        pooledBytes -= bytes(a);
    }

    private static void free(INDArray a) {
        if (!a.wasClosed() && a.closeable()) a.close();
    }

    private static DataBuffer root(INDArray a) {
        DataBuffer d = a.data();
        while (d.originalDataBuffer() != null && d.originalDataBuffer() != d) d = d.originalDataBuffer();
        return d;
    }

    private static long bytes(INDArray a) {
        return a.length() * a.dataType().width();
    }
}
