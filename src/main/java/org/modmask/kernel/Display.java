package org.modmask.kernel;

import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.util.UUID;

/**
 * IJava's runtime API, statically imported in every notebook: {@code display(...)}, {@code render(...)},
 * {@code updateDisplay(...)}, {@code clearOutput()} and {@code getKernelInstance()}. Works under our kernel and under IJava.
 */
public final class Display {
    private Display() {
    }

    /** The running kernel: ours, or IJava's (found by reflection), or null outside a notebook. */
    public static BaseKernel getKernelInstance() {
        if (ModmaskKernel.instance() != null) return ModmaskKernel.instance();
        for (String cls : new String[]{"io.github.spencerpark.ijava.IJava", "org.dflib.jjava.JJava"}) {
            try {
                Object k = Class.forName(cls).getMethod("getKernelInstance").invoke(null);
                if (k instanceof BaseKernel b) return b;
            } catch (ReflectiveOperationException | LinkageError ignored) {
                // not that kernel
            }
        }
        return null;
    }

    /** Renders an object into its rich representations (HTML, PNG, ...). */
    public static DisplayData render(Object o) {
        BaseKernel k = getKernelInstance();
        if (k == null) return new DisplayData(String.valueOf(o));
        return k.getRenderer().render(o);
    }

    /** Shows an object now and returns a display id that {@link #updateDisplay} can replace in place. */
    public static String display(Object o) {
        BaseKernel k = getKernelInstance();
        if (k == null) {
            System.out.println(o);
            return null;
        }
        DisplayData d = o instanceof DisplayData dd ? dd : k.getRenderer().render(o);
        String id = d.hasDisplayId() ? d.getDisplayId() : UUID.randomUUID().toString();
        d.setDisplayId(id);
        k.display(d);
        return id;
    }

    /** Replaces what a display id shows. */
    public static void updateDisplay(String id, Object o) {
        BaseKernel k = getKernelInstance();
        if (k == null || id == null) return;
        DisplayData d = o instanceof DisplayData dd ? dd : k.getRenderer().render(o);
        k.getIO().display.updateDisplay(id, d);
    }

    /** Clears this cell's output now (under our kernel; elsewhere nothing happens). */
    public static void clearOutput() {
        clearOutput(false);
    }

    /** Clears this cell's output; with {@code wait}, just before the next output arrives, which avoids a flicker. */
    public static void clearOutput(boolean wait) {
        if (ModmaskKernel.instance() != null) ModmaskKernel.instance().clearOutput(wait);
    }
}
