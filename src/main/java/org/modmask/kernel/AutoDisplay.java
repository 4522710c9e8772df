package org.modmask.kernel;

/**
 * Under a user's own IJava kernel (after {@code %jars} or {@code %maven} of modmask), registers our renderers and
 * notebook progress bars with the running kernel the first time a modmask class that shows results is used (the
 * library calls {@link org.modmask.FirstUse#ensure()}, which finds this class as a service). Does nothing in our own
 * kernel (it registers at start-up) or outside a notebook.
 */
public final class AutoDisplay implements org.modmask.FirstUse {
    @Override
    public void run() {
        try {
            Renderers.registerWithRunningKernel();
        } catch (LinkageError | RuntimeException ignored) {
            // no Jupyter base library on the classpath: plain Java use
        }
    }
}
