/**
 * The Jupyter kernel: {@link org.modmask.kernel.ModmaskKernel} evaluates cells with JShell inside its own JVM and behaves like IJava (same base library, runtime API in {@link org.modmask.kernel.Display}, magics); {@link org.modmask.kernel.Renderers} and {@link org.modmask.kernel.JJavaExtension} give modmask values rich display under our kernel, IJava or JJava.
 */
package org.modmask.kernel;
