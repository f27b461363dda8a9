package io.brushline.cli;

import io.brushline.client.Job;
import io.brushline.client.JobState;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The progress line: rewritten in place on a terminal, one line per change otherwise (a log, a
 * pipe), so that piped output never fills with carriage returns.
 */
final class Progress {

    private final PrintWriter out;
    private final boolean live;
    private int lastLength;
    private String lastLine = "";

    Progress(PrintWriter out, boolean live) {
        this.out = out;
        this.live = live;
    }

    /** Whether the line is rewritten in place. */
    boolean live() {
        return live;
    }

    /** Whether this process writes to a terminal. */
    static boolean terminal() {
        return System.console() != null;
    }

    /** Shows {@code line} as the current progress. */
    synchronized void show(String line) {
        if (line.equals(lastLine)) {
            return;
        }
        lastLine = line;
        if (live) {
            out.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    /** Ends the progress line, so that what follows starts on a line of its own. */
    synchronized void finish() {
        if (live && lastLength > 0) {
            out.println();
            out.flush();
        }
        lastLength = 0;
    }

    /**
     * Runs {@code watch}, showing {@code line} of each update it reports on {@code err}; the progress line
     * is ended however the watch ends, so that an error starts on a line of its own.
     */
    static <T> T follow(PrintWriter err, Function<Consumer<T>, T> watch, Function<T, String> line) {
        Progress progress = new Progress(err, terminal());
        try {
            return watch.apply(update -> progress.show(line.apply(update)));
        } finally {
            progress.finish();
        }
    }

    /** "[3/5] grounding 2.4 s" while running, "succeeded in 4.1 s" at the end. */
    static String stage(Job job, long startNanos) {
        String elapsed = seconds(Duration.ofNanos(System.nanoTime() - startNanos));
        JobState state = job.state();
        if (state == null) {
            return "waiting " + elapsed;
        }
        if (state.isTerminal()) {
            return state.words() + " after " + elapsed;
        }
        return "[" + state.step() + "/5] " + state.words() + " " + elapsed;
    }

    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
