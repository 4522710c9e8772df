package org.modmask.kernel;

import io.github.spencerpark.jupyter.kernel.ReplacementOptions;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SourceCodeAnalysis;

import java.util.*;

/**
 * What a person uses while typing a cell, all from JShell's source analysis of the cell against everything the
 * earlier cells defined: TAB completion, Shift-TAB inspection (signature and Javadoc), and whether a console's
 * Enter should run the code or open a new line.
 */
final class Editing {
    static final String COMPLETE = "complete", INVALID = "invalid";

    private final JShell shell;
    private final SourceDocs docs;

    Editing(JShell shell, SourceDocs docs) {
        this.shell = shell;
        this.docs = docs;
    }

    /**
     * Magic lines (and a cell magic's header) blanked to spaces, so that JShell sees only Java and every offset
     * still points at the same character.
     */
    static String javaOnly(String code) {
        StringBuilder out = new StringBuilder(code.length());
        for (String line : code.split("\n", -1)) {
            if (out.length() > 0) out.append('\n');
            out.append(line.strip().startsWith("%") ? " ".repeat(line.length()) : line);
        }
        return out.toString();
    }

    /** The completions of the code before the cursor: method names end with "(", as JShell gives them. */
    ReplacementOptions complete(String code, int at) {
        String java = javaOnly(code);
        at = Math.max(0, Math.min(at, java.length()));
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions = shell.sourceCodeAnalysis().completionSuggestions(java, at, anchor);
        LinkedHashSet<String> typed = new LinkedHashSet<>(), rest = new LinkedHashSet<>();
        for (SourceCodeAnalysis.Suggestion s : suggestions) (s.matchesType() ? typed : rest).add(s.continuation());
        typed.addAll(rest);     // those that fit the expected type first
        return new ReplacementOptions(new ArrayList<>(typed), anchor[0], at);
    }

    /**
     * {@code complete}, {@code invalid}, or the indent of the next line when the code is unfinished (an open brace,
     * an open call, an expression that ends in an operator). Code that parses but cannot compile is complete: running
     * it shows the compiler's message.
     */
    String isComplete(String code) {
        if (code.stripLeading().startsWith("%%")) return COMPLETE;     // a cell magic's body is the magic's
        String rest = javaOnly(code);
        SourceCodeAnalysis sca = shell.sourceCodeAnalysis();
        while (!rest.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = sca.analyzeCompletion(rest);
            switch (info.completeness()) {
                case COMPLETE, COMPLETE_WITH_SEMI -> {
                    if (!parses(info.source())) return INVALID;
                    rest = info.remaining();
                }
                case DEFINITELY_INCOMPLETE, CONSIDERED_INCOMPLETE -> {
                    return indent(code);
                }
                case EMPTY -> rest = "";
                default -> {
                    return INVALID;     // UNKNOWN: an unterminated literal or a stray token
                }
            }
        }
        return COMPLETE;
    }

    /** Whether JShell can read a complete snippet as Java (an unknown name still reads; "import = 7q" does not). */
    private boolean parses(String snippet) {
        List<Snippet> parsed = shell.sourceCodeAnalysis().sourceToSnippets(snippet);
        for (Snippet s : parsed) {
            if (s.kind() != Snippet.Kind.ERRONEOUS) continue;
            // a call of a name not defined yet is erroneous to JShell, but it is code that runs (and fails with a
            // clear message): only a syntax error makes it invalid
            return !SyntaxCheck.fails(snippet);
        }
        return true;
    }

    /** The next line's indent: the last line's, and four more after an opening brace or parenthesis. */
    static String indent(String code) {
        String last = code.substring(code.lastIndexOf('\n') + 1);
        String lead = last.substring(0, last.length() - last.stripLeading().length());
        String t = last.strip();
        return t.endsWith("{") || t.endsWith("(") || t.endsWith(",") ? lead + "    " : lead;
    }

    /**
     * The signature and Javadoc of the name under the cursor: a class, a method (all its overloads), a field or a
     * variable from an earlier cell; null when nothing is known about it.
     */
    DisplayData inspect(String code, int at) {
        String java = javaOnly(code);
        at = Math.max(0, Math.min(at, java.length()));
        int end = at;
        while (end < java.length() && Character.isJavaIdentifierPart(java.charAt(end))) end++;   // the whole name
        SourceCodeAnalysis sca = shell.sourceCodeAnalysis();
        List<SourceCodeAnalysis.Documentation> found = sca.documentation(java.substring(0, end), end, true);
        if (found.isEmpty() && end > 0 && Character.isJavaIdentifierPart(java.charAt(end - 1)))
            found = sca.documentation(java.substring(0, end) + "(", end + 1, true);    // a method named without its "("
        if (found.isEmpty()) return null;
        StringBuilder text = new StringBuilder();
        for (SourceCodeAnalysis.Documentation d : found) {
            if (text.length() > 0) text.append("\n\n");
            text.append(d.signature());
            String doc = d.javadoc() != null ? d.javadoc() : docs.javadoc(d.signature());
            if (doc != null && !doc.isBlank()) text.append("\n\n").append(doc.strip());
        }
        return new DisplayData(text.toString());
    }
}
