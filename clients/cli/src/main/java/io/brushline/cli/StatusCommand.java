package io.brushline.cli;

import io.brushline.client.Job;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code brushline status ID}: the job's state, decisions and failure reason. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Shows a job's state, what each stage decided, and why it failed if it did.")
class StatusCommand implements Callable<Integer> {

    @ParentCommand
    Brushline root;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The job id (printed by brushline edit).")
    String id;

    @Option(names = "--json", description = "Print the job as the server's JSON.")
    boolean json;

    @Override
    public Integer call() {
        return print(root.client().status(id));
    }

    /** Prints the job; answers the exit status (1 for a job that failed or was canceled). */
    Integer print(Job job) {
        Output.print(spec.commandLine().getOut(), json, job, Describe::details);
        return exitStatus(job);
    }

    static int exitStatus(Job job) {
        return job.isTerminal() && !job.succeeded() ? Brushline.JOB_FAILED : 0;
    }
}
