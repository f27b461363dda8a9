package io.brushline.cli;

import io.brushline.client.BrushlineClient;
import java.io.PrintWriter;
import java.util.function.Function;

/** How the commands print what the server answered: its JSON with --json, else words for people. */
final class Output {

    private Output() {
    }

    /** Prints {@code value} as the server's JSON or as {@code words} make of it. */
    static <T> void print(PrintWriter out, boolean json, T value, Function<T, String> words) {
        out.print(json ? BrushlineClient.toJson(value) + System.lineSeparator() : words.apply(value));
        out.flush();
    }

    /** Prints an accepted submission: its id alone, so that scripts can take it, or the server's JSON. */
    static void printSubmitted(PrintWriter out, boolean json, Object submitted, String id) {
        out.println(json ? BrushlineClient.toJson(submitted) : id);
        out.flush();
    }
}
