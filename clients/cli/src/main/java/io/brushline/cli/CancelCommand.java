package io.brushline.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code brushline cancel ID}. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = "Cancels a job that has not ended; a job that has ended stays as it is.")
final class CancelCommand extends StatusCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        var job = root.client().cancel(id);
        print(job);
        // the job is canceled as asked: that is success, unless it had ended otherwise before
        return job.state() == io.brushline.client.JobState.FAILED ? Brushline.JOB_FAILED : 0;
    }
}
