package dev.partyflare.emulator.internal.exec;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.CodeSource;
import java.util.List;

/**
 * Loads a project's classes; those found in its class directories (the user's own code, not
 * library jars) get preemption polls ({@link PreemptionTransformer}) so the watchdog can stop an
 * event that spins.
 */
public final class InstrumentingClassLoader extends URLClassLoader {
    static {
        registerAsParallelCapable();
    }

    private final List<Path> classDirs;

    public InstrumentingClassLoader(String name, URL[] urls, List<Path> classDirs, ClassLoader parent) {
        super(name, urls, parent);
        this.classDirs = List.copyOf(classDirs);
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        String file = name.replace('.', '/') + ".class";
        for (Path dir : classDirs) {
            Path f = dir.resolve(file);
            if (!Files.isRegularFile(f)) {
                continue;
            }
            byte[] bytes;
            try {
                bytes = PreemptionTransformer.transform(Files.readAllBytes(f));
            } catch (IOException e) {
                throw new ClassNotFoundException(name + " (cannot read " + f + ": " + e.getMessage() + ")", e);
            }
            int dot = name.lastIndexOf('.');
            if (dot > 0) {
                String pkg = name.substring(0, dot);
                if (getDefinedPackage(pkg) == null) {
                    try {
                        definePackage(pkg, null, null, null, null, null, null, null);
                    } catch (IllegalArgumentException e) {
                        // defined meanwhile by another thread
                    }
                }
            }
            try {
                URL where = dir.toUri().toURL();
                return defineClass(name, bytes, 0, bytes.length, new CodeSource(where, (CodeSigner[]) null));
            } catch (java.net.MalformedURLException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
        return super.findClass(name);
    }
}
