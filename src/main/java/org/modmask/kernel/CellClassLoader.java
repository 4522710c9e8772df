package org.modmask.kernel;

import jdk.jshell.execution.LoaderDelegate;
import jdk.jshell.spi.ExecutionControl;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Loads the classes JShell compiles from cells, plus jars added by {@code %jars}/{@code %maven}. */
final class CellClassLoader implements LoaderDelegate {
    private final Map<String, byte[]> compiled = new ConcurrentHashMap<>();
    private final Loader loader;

    private final class Loader extends URLClassLoader {
        Loader(ClassLoader parent) {
            super(new URL[0], parent);
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            byte[] b = compiled.get(name);
            if (b != null) return defineClass(name, b, 0, b.length);
            return super.findClass(name);
        }

        void add(URL u) {
            addURL(u);
        }
    }

    CellClassLoader(ClassLoader parent) {
        this.loader = new Loader(parent);
    }

    @Override
    public void load(ExecutionControl.ClassBytecodes[] cbcs) throws ExecutionControl.ClassInstallException {
        boolean[] ok = new boolean[cbcs.length];
        for (var c : cbcs) compiled.put(c.name(), c.bytecodes());
        try {
            for (int i = 0; i < cbcs.length; i++) {
                loader.loadClass(cbcs[i].name());
                ok[i] = true;
            }
        } catch (Throwable e) {
            throw new ExecutionControl.ClassInstallException("could not load " + e.getMessage(), ok);
        }
    }

    @Override
    public void classesRedefined(ExecutionControl.ClassBytecodes[] cbcs) {
        for (var c : cbcs) compiled.put(c.name(), c.bytecodes());
    }

    @Override
    public void addToClasspath(String path) throws ExecutionControl.InternalException {
        try {
            for (String p : path.split(java.io.File.pathSeparator)) loader.add(Path.of(p).toUri().toURL());
        } catch (MalformedURLException e) {
            throw new ExecutionControl.InternalException("bad classpath entry " + path + ": " + e.getMessage());
        }
    }

    @Override
    public Class<?> findClass(String name) throws ClassNotFoundException {
        return loader.loadClass(name);
    }
}
