package io.brushline.cli;

import io.brushline.client.BrushlineClient;
import io.brushline.client.BrushlineException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code brushline} command: edit photos through a Brushline gateway, and follow, inspect or
 * cancel jobs and batches, and make datasets. Exit status: 0 done, 1 a job failed or was canceled, 2 a usage error, 3 the server
 * could not be reached or refused the request.
 */
@Command(name = "brushline", mixinStandardHelpOptions = true, version = "brushline 0.1.0",
        description = "Edits photos with instructions in words, through a Brushline server.",
        subcommands = {EditCommand.class, StatusCommand.class, WatchCommand.class, CancelCommand.class,
                BatchCommand.class, DatasetCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Examples:",
                "  brushline edit photo.jpg \"remove the dog\" -o out.png",
                "  brushline edit photos/ \"make it black and white\" -o results/",
                "  brushline status 3222557b-...",
                "  brushline batch submit catalogue.jsonl --wait",
                "  brushline dataset create photos/*.jpg --wait",
                "", "Exit status: 0 done, 1 a job failed or was canceled, 2 a usage error,"
                        + " 3 the server could not be reached or refused the request."})
public final class Brushline implements Runnable {

    /** A job failed or was canceled. */
    static final int JOB_FAILED = 1;
    /** The server could not be reached or refused the request. */
    static final int SERVER_ERROR = 3;

    @Option(names = "--server", scope = ScopeType.INHERIT, paramLabel = "URL",
            defaultValue = "${env:BRUSHLINE_SERVER:-http://localhost:8080}",
            description = "The gateway's address (default: $BRUSHLINE_SERVER, else ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--api-key", scope = ScopeType.INHERIT, paramLabel = "KEY",
            defaultValue = "${env:BRUSHLINE_API_KEY}",
            description = "The API key (default: $BRUSHLINE_API_KEY; none when unset).")
    String apiKey;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "say what to do: edit, status, watch, cancel, batch or dataset");
    }

    /** A client of the chosen server. */
    BrushlineClient client() {
        try {
            return BrushlineClient.builder(server).apiKey(apiKey).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line with its error handling: every failure is told in words, never as a stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Brushline());
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine commandLine = e.getCommandLine();
            PrintWriter err = commandLine.getErr();
            err.println("brushline: " + e.getMessage());
            err.println("(see '" + commandLine.getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("brushline: " + describe(e));
            err.flush();
            if (e instanceof IllegalArgumentException) {
                return 2;
            }
            return SERVER_ERROR;
        });
        return cli;
    }

    /** A failure in words. */
    static String describe(Throwable e) {
        if (e instanceof BrushlineException || e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        if (e instanceof UncheckedIOException io) {
            return io.getMessage();
        }
        if (e instanceof java.nio.file.NoSuchFileException missing) {
            return missing.getFile() + " does not exist";
        }
        if (e instanceof java.nio.file.AccessDeniedException denied) {
            return "no permission to use " + denied.getFile();
        }
        String message = e.getMessage();
        return "unexpected error: " + (message == null || message.isBlank() ? "no details were given" : message);
    }
}
