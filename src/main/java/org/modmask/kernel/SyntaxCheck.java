package org.modmask.kernel;

import com.sun.source.util.JavacTask;

import javax.tools.*;
import java.net.URI;
import java.util.List;

/**
 * Whether a snippet is Java that javac's parser reads, as a statement, a class member, an import or an expression.
 * Parsing alone: unknown names and type errors are not syntax errors.
 */
final class SyntaxCheck {
    private SyntaxCheck() {
    }

    static boolean fails(String snippet) {
        String s = snippet.strip();
        String expr = s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
        for (String unit : List.of(
                "class W_ { void m_() {\n" + s + "\n} }",
                "class W_ {\n" + s + "\n}",
                s + "\nclass W_ {}",
                "class W_ { Object v_ = (\n" + expr + "\n); }")) {
            if (parses(unit)) return false;
        }
        return true;
    }

    private static boolean parses(String unit) {
        JavaCompiler jc = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diags = new DiagnosticCollector<>();
        var file = new SimpleJavaFileObject(URI.create("string:///W_.java"), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignore) {
                return unit;
            }
        };
        try {
            ((JavacTask) jc.getTask(null, null, diags, List.of("-proc:none"), null, List.of(file))).parse();
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
        return diags.getDiagnostics().stream().noneMatch(d -> d.getKind() == Diagnostic.Kind.ERROR);
    }
}
