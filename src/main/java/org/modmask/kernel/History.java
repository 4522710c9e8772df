package org.modmask.kernel;

import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager;
import io.github.spencerpark.jupyter.messages.request.HistoryRequest;

import java.util.*;
import java.util.regex.Pattern;

/**
 * The cells run in this kernel session, for Jupyter's history requests (a console's up-arrow and Ctrl-R):
 * the last n ({@code tail}), a range of execution counts, or a glob search. Kept in memory: a new kernel starts a
 * new session.
 */
final class History implements HistoryManager {
    /** Session numbers as IPython counts them: one per kernel process. */
    static final int SESSION = 1;

    private record Cell(int number, String input, String output) {
    }

    private final List<Cell> cells = new ArrayList<>();

    synchronized void add(int number, String input, String output) {
        cells.add(new Cell(number, input, output));
    }

    private static HistoryEntry entry(Cell c, Set<ResultFlag> flags) {
        return flags.contains(ResultFlag.INCLUDE_OUTPUT)
                ? new HistoryEntry(SESSION, c.number, c.input, c.output == null ? "" : c.output)
                : new HistoryEntry(SESSION, c.number, c.input);
    }

    @Override
    public synchronized List<HistoryEntry> lookupRange(int session, int start, int stop, Set<ResultFlag> flags) {
        List<HistoryEntry> out = new ArrayList<>();
        if (session != SESSION && session != 0) return out;     // 0 and negative: this session, as in IPython
        for (Cell c : cells) if (c.number >= start && (stop <= 0 || c.number < stop)) out.add(entry(c, flags));
        return out;
    }

    @Override
    public synchronized List<HistoryEntry> lookupTail(int n, Set<ResultFlag> flags) {
        List<HistoryEntry> out = new ArrayList<>();
        for (Cell c : cells.subList(Math.max(0, cells.size() - n), cells.size())) out.add(entry(c, flags));
        return out;
    }

    /** IPython's rules: a glob over the whole input ("*" added around a pattern without wildcards); the last n. */
    @Override
    public synchronized List<HistoryEntry> search(String glob, int n, Set<ResultFlag> flags) {
        if (!glob.contains("*") && !glob.contains("?")) glob = "*" + glob + "*";
        Pattern p = Pattern.compile(globToRegex(glob), Pattern.DOTALL);
        boolean unique = flags.contains(ResultFlag.UNIQUE);
        LinkedList<Cell> hits = new LinkedList<>();
        Set<String> seen = new HashSet<>();
        for (int i = cells.size() - 1; i >= 0 && (n <= 0 || hits.size() < n); i--) {
            Cell c = cells.get(i);
            if (!p.matcher(c.input).matches() || unique && !seen.add(c.input)) continue;
            hits.addFirst(c);
        }
        List<HistoryEntry> out = new ArrayList<>();
        for (Cell c : hits) out.add(entry(c, flags));
        return out;
    }

    /** Answers a history request: tail, range or search. */
    List<HistoryEntry> lookup(HistoryRequest req) {
        Set<ResultFlag> flags = EnumSet.noneOf(ResultFlag.class);
        if (req.includeOutput()) flags.add(ResultFlag.INCLUDE_OUTPUT);
        if (req instanceof HistoryRequest.Tail t) return lookupTail(t.getMaxReturnLength(), flags);
        if (req instanceof HistoryRequest.Range r) return lookupRange(r.getSessionIndex(), r.getStart(), r.getStop(), flags);
        if (req instanceof HistoryRequest.Search s) {
            if (s.filterUnique()) flags.add(ResultFlag.UNIQUE);
            return search(s.getPattern(), s.getMaxReturnLength(), flags);
        }
        return List.of();
    }

    static String globToRegex(String glob) {
        StringBuilder re = new StringBuilder();
        for (char ch : glob.toCharArray()) {
            switch (ch) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(ch)));
            }
        }
        return re.toString();
    }
}
