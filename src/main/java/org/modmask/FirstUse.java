package org.modmask;

import java.util.ServiceLoader;

/**
 * Something a layer above the library does the first time a class that shows results is used ({@code Train},
 * {@code Masks}, {@code Compare}, {@code Plot}): the kernel package registers its renderers with a user's own IJava
 * kernel this way. Implementations are found with {@link ServiceLoader}, so the library never names the kernel.
 */
public interface FirstUse {
    void run();

    /** Runs every implementation once per class loader; failures are ignored (plain Java use has no notebook). */
    static void ensure() {
        Holder.once();
    }

    /** The once-only state. */
    final class Holder {
        private static volatile boolean done;

        private Holder() {
        }

        static void once() {
            if (done) return;
            synchronized (Holder.class) {
                if (done) return;
                done = true;
                try {
                    for (FirstUse f : ServiceLoader.load(FirstUse.class, FirstUse.class.getClassLoader())) f.run();
                } catch (java.util.ServiceConfigurationError | LinkageError | RuntimeException ignored) {
                    // no notebook around: nothing to register
                }
            }
        }
    }
}
