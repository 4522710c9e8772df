package org.modmask.kernel;

/**
 * Under a user's own IJava kernel (after {@code %jars} or {@code %maven} of modmask), registers our renderers and
 * notebook progress bars with the running kernel the first time a modmask class that shows results is used.
 * Does nothing in our own kernel (it registers at start-up) or outside a notebook.
 */
public final class AutoDisplay {
    private static volatile boolean done;

    private AutoDisplay() {
    }

    public static void ensure() {
        if (done) return;
        done = true;
        try {
            Renderers.registerWithRunningKernel();
        } catch (LinkageError | RuntimeException ignored) {
            // no Jupyter base library on the classpath: plain Java use
        }
    }
}
