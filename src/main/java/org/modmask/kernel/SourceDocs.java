package org.modmask.kernel;

import com.sun.source.tree.*;
import com.sun.source.util.DocTrees;
import com.sun.source.util.JavacTask;
import com.sun.source.util.TreePathScanner;

import javax.tools.JavaCompiler;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;

/**
 * Javadoc read from source files, for the kernel's Shift-TAB inspection. JShell finds Javadoc only in the JDK's
 * {@code src.zip}; this finds it for modmask's own classes (the kernel is started with
 * {@code -Dmodmask.sourcepath=<checkout>/src/main/java}) and for any jar on the classpath that has a
 * {@code -sources.jar} beside it, as Maven stores them.
 */
final class SourceDocs {
    /** simple class name → where its source is (a file, or a jar entry) */
    private final Map<String, List<Source>> bySimpleName = new HashMap<>();
    private final Map<Source, Map<String, String>> parsed = new HashMap<>();

    private record Source(Path file, String entry) {
        String read() throws IOException {
            if (entry == null) return Files.readString(file, StandardCharsets.UTF_8);
            try (ZipFile z = new ZipFile(file.toFile())) {
                var e = z.getEntry(entry);
                return e == null ? "" : new String(z.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
            }
        }
    }

    SourceDocs(List<Path> roots) {
        for (Path root : roots) {
            try {
                if (Files.isDirectory(root)) {
                    try (var s = Files.walk(root)) {
                        s.filter(p -> p.toString().endsWith(".java")).forEach(p -> add(new Source(p, null)));
                    }
                } else if (Files.isRegularFile(root)) {
                    try (ZipFile z = new ZipFile(root.toFile())) {
                        z.stream().filter(e -> e.getName().endsWith(".java"))
                                .forEach(e -> add(new Source(root, e.getName())));
                    }
                }
            } catch (IOException | RuntimeException e) {
                // an unreadable source root only costs its Javadoc
            }
        }
    }

    /** The roots this JVM was started with: {@code modmask.sourcepath}, and {@code -sources.jar}s beside classpath jars. */
    static SourceDocs fromSystem() {
        List<Path> roots = new ArrayList<>();
        String sp = System.getProperty("modmask.sourcepath", "");
        for (String s : sp.split(File.pathSeparator)) if (!s.isBlank()) roots.add(Path.of(s));
        if (roots.isEmpty()) {
            // run from a checkout's target/classes (tests, jshell): its sources are two folders up
            try {
                Path classes = Path.of(SourceDocs.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                Path src = classes.resolve("../../src/main/java").normalize();
                if (Files.isDirectory(classes) && Files.isDirectory(src)) roots.add(src);
            } catch (Exception e) {
                // no code source: only the property's roots
            }
        }
        for (String s : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
            if (!s.endsWith(".jar")) continue;
            Path sources = Path.of(s.substring(0, s.length() - 4) + "-sources.jar");
            if (Files.isRegularFile(sources)) roots.add(sources);
        }
        return new SourceDocs(roots);
    }

    private void add(Source s) {
        String name = s.entry == null ? s.file.getFileName().toString() : s.entry.substring(s.entry.lastIndexOf('/') + 1);
        bySimpleName.computeIfAbsent(name.substring(0, name.length() - 5), k -> new ArrayList<>()).add(s);
    }

    /**
     * The Javadoc, as plain text, of what a JShell documentation signature names: a type
     * ({@code org.modmask.mask.Masks}), a method ({@code Masks Masks.beta(double b)}) or a field; null when unknown.
     */
    String javadoc(String signature) {
        Member m = Member.parse(signature);
        if (m == null) return null;
        for (String owner : m.owners()) {
            for (Source s : bySimpleName.getOrDefault(owner, List.of())) {
                String doc = docs(s).get(m.key());
                if (doc != null) return plain(doc);
            }
        }
        return null;
    }

    /** What a signature names, reduced to a lookup key: "Outer.Inner" for a type, "Owner#name/arity" for a member. */
    private record Member(List<String> owners, String key) {
        static final Pattern METHOD = Pattern.compile("(?:.*\\s)?([\\w$.]+)\\.(\\w+)\\((.*)\\)(?:\\s+throws.*)?");
        static final Pattern FIELD = Pattern.compile("(?:.*\\s)([\\w$.]+)\\.(\\w+)");

        static Member parse(String sig) {
            sig = sig.replaceAll("<[^<>]*(<[^<>]*>[^<>]*)*>", "").strip();   // generics do not matter here
            Matcher mm = METHOD.matcher(sig);
            if (mm.matches()) {
                String params = mm.group(3).strip();
                int arity = params.isEmpty() ? 0 : params.split(",").length;
                String owner = simpleOwner(mm.group(1));
                String name = mm.group(2);
                // a constructor's signature is "Owner.Owner(...)" in JShell's format, or "Owner(...)"
                return new Member(owners(mm.group(1)), owner + "#" + name + "/" + arity);
            }
            if (sig.matches("[\\w$.]+")) {          // a type: fully qualified
                String[] parts = sig.split("\\.");
                List<String> chain = new ArrayList<>();
                for (String p : parts) if (!p.isEmpty() && Character.isUpperCase(p.charAt(0))) chain.add(p);
                if (chain.isEmpty()) return null;
                return new Member(List.of(chain.get(0)), String.join(".", chain));
            }
            Matcher fm = FIELD.matcher(sig);
            if (fm.matches()) return new Member(owners(fm.group(1)), simpleOwner(fm.group(1)) + "#" + fm.group(2));
            return null;
        }

        private static String simpleOwner(String q) {
            List<String> chain = new ArrayList<>();
            for (String p : q.split("\\.")) if (!p.isEmpty() && Character.isUpperCase(p.charAt(0))) chain.add(p);
            return String.join(".", chain);
        }

        /** The top-level class names a source file may have, outermost first. */
        private static List<String> owners(String q) {
            String s = simpleOwner(q);
            return s.isEmpty() ? List.of() : List.of(s.split("\\.")[0]);
        }
    }

    /** Every documented declaration of one source file, under the keys {@link Member} builds. */
    private Map<String, String> docs(Source s) {
        return parsed.computeIfAbsent(s, src -> {
            Map<String, String> out = new HashMap<>();
            try {
                String text = src.read();
                JavaCompiler jc = ToolProvider.getSystemJavaCompiler();
                var file = new SimpleJavaFileObject(URI.create("string:///" + (src.entry == null ? src.file.getFileName() : "S.java")),
                        SimpleJavaFileObject.Kind.SOURCE) {
                    @Override
                    public CharSequence getCharContent(boolean ignore) {
                        return text;
                    }
                };
                JavacTask task = (JavacTask) jc.getTask(null, null, d -> { }, List.of("-proc:none"), null, List.of(file));
                DocTrees trees = DocTrees.instance(task);
                Deque<String> owners = new ArrayDeque<>();
                for (CompilationUnitTree cu : task.parse()) {
                    new TreePathScanner<Void, Void>() {
                        @Override
                        public Void visitClass(ClassTree t, Void v) {
                            owners.addLast(t.getSimpleName().toString());
                            String owner = String.join(".", owners);
                            put(owner, trees.getDocComment(getCurrentPath()));
                            try {
                                return super.visitClass(t, v);
                            } finally {
                                owners.removeLast();
                            }
                        }

                        @Override
                        public Void visitMethod(MethodTree t, Void v) {
                            String owner = String.join(".", owners);
                            String name = t.getName().contentEquals("<init>") ? owners.peekLast() : t.getName().toString();
                            String doc = trees.getDocComment(getCurrentPath());
                            put(owner + "#" + name + "/" + t.getParameters().size(), doc);
                            if (t.getName().contentEquals("<init>")) put(owner + "#" + owner + "/" + t.getParameters().size(), doc);
                            return null;    // local classes inside bodies are not inspected
                        }

                        @Override
                        public Void visitVariable(VariableTree t, Void v) {
                            put(String.join(".", owners) + "#" + t.getName(), trees.getDocComment(getCurrentPath()));
                            return null;
                        }

                        private void put(String key, String doc) {
                            if (doc != null && !doc.isBlank()) out.putIfAbsent(key, doc);
                        }
                    }.scan(cu, null);
                }
            } catch (IOException | RuntimeException e) {
                // unparseable source: no Javadoc from it
            }
            return out;
        });
    }

    private static final Pattern CODE = Pattern.compile("\\{@(?:code|literal)\\s+([^{}]*(?:\\{[^{}]*}[^{}]*)*)}");
    private static final Pattern LINK = Pattern.compile("\\{@(?:link|linkplain)\\s+([^\\s}]+)(?:\\s+([^}]*))?}");

    /** Javadoc's markup as a reader sees it in a tooltip: {@code {@code x}} → x, links → names, HTML → plain lines. */
    static String plain(String doc) {
        String s = CODE.matcher(doc).replaceAll(r -> Matcher.quoteReplacement(r.group(1)));
        s = LINK.matcher(s).replaceAll(r -> Matcher.quoteReplacement(r.group(2) != null && !r.group(2).isBlank()
                ? r.group(2).strip() : r.group(1).replaceFirst("^#", "").replace('#', '.')));
        s = s.replaceAll("(?i)<li>", "\n- ")
                .replaceAll("(?i)<p>|<br>|</?ul>|</?ol>", "\n")
                .replaceAll("<[^>]+>", "")
                .replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        StringBuilder out = new StringBuilder();
        for (String line : s.split("\n")) {
            String t = line.strip();
            if (t.startsWith("@param ")) t = "  " + t.substring(7).replaceFirst("^(\\S+)", "$1:");
            else if (t.startsWith("@return ")) t = "Returns: " + t.substring(8);
            out.append(t).append('\n');
        }
        return out.toString().replaceAll("\n{3,}", "\n\n").strip();
    }
}
