package io.brushline.cli;

import io.brushline.client.BrushlineClient;
import io.brushline.client.Job;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code brushline watch ID}: a live progress line until the job ends. */
@Command(name = "watch", mixinStandardHelpOptions = true,
        description = "Follows a job through its stages until it ends.")
final class WatchCommand extends StatusCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        BrushlineClient client = root.client();
        Job done = follow(client, id, id, new Progress(spec.commandLine().getErr(), Progress.terminal()));
        if (json) {
            return print(done);
        }
        spec.commandLine().getOut().println(Describe.outcome(done));
        spec.commandLine().getOut().flush();
        return exitStatus(done);
    }

    /** Follows job {@code id}, showing "label  [3/5] grounding 2.4 s" as it goes; answers its final status. */
    static Job follow(BrushlineClient client, String id, String label, Progress progress) {
        long start = System.nanoTime();
        java.util.concurrent.atomic.AtomicReference<Job> last = new java.util.concurrent.atomic.AtomicReference<>();
        Thread ticker = new Thread(() -> {
            // the elapsed time moves on between events, too
            try {
                while (true) {
                    Thread.sleep(1000);
                    Job current = last.get();
                    if (current != null) {
                        progress.show(label + "  " + Progress.stage(current, start));
                    }
                }
            } catch (InterruptedException e) {
                // done
            }
        }, "brushline-progress");
        ticker.setDaemon(true);
        if (progress.live()) {
            ticker.start();
        }
        try {
            return client.watch(id, job -> {
                last.set(job);
                progress.show(label + "  " + Progress.stage(job, start));
            });
        } finally {
            ticker.interrupt();
            progress.finish();
        }
    }
}
