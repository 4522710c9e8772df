package org.modmask.kernel;

import jdk.jshell.execution.DirectExecutionControl;
import jdk.jshell.execution.LoaderDelegate;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs snippets in the kernel's own JVM and keeps each result <i>object</i> (JShell itself only reports a
 * string), so that the renderer sees a real Table or Figure. Each snippet runs on its own thread, which
 * {@link #stop()} can stop: that is how an interrupt ends a long cell.
 */
final class ObjectExecutionControl extends DirectExecutionControl {
    private final Map<String, Object> results = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    private volatile Thread running;
    private volatile boolean stopped;

    ObjectExecutionControl(LoaderDelegate loader) {
        super(loader);
    }

    /** The object a snippet returned, by the id JShell reported as its value. */
    Object take(String id) {
        return id == null ? null : results.remove(id);
    }

    @Override
    protected String invoke(Method doit) throws Exception {
        Object[] result = new Object[1];
        Throwable[] error = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                result[0] = doit.invoke(null);
            } catch (Throwable e) {
                error[0] = e;
            }
        }, "modmask-cell");
        t.setContextClassLoader(Thread.currentThread().getContextClassLoader());
        stopped = false;
        running = t;
        t.start();
        try {
            t.join();
        } finally {
            running = null;
        }
        if (stopped) throw new StoppedException();
        if (error[0] instanceof Exception e) throw e;
        if (error[0] instanceof ThreadDeath) throw new StoppedException();
        if (error[0] != null) throw new java.lang.reflect.InvocationTargetException(error[0]);
        String id = "\u0000obj" + ids.incrementAndGet();
        results.put(id, result[0]);
        return id;
    }

    @Override
    @SuppressWarnings("removal")
    public void stop() {
        Thread t = running;
        if (t != null) {
            stopped = true;
            t.interrupt();
            try {
                t.join(500);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) t.stop();   // Java 17 still honours this; it takes effect when native code returns
        }
    }

    void clearStopped() {
        stopped = false;
    }

    boolean wasStopped() {
        return stopped;
    }
}
