package io.brushline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU seconds, of them the JIT compiler threads', peak and current resident memory of a process, read
 * from Linux's /proc. The compilers' share tells a warm run from one still compiling: on two cores a
 * dozen JVMs keep their C2 threads busy for minutes.
 */
record ProcessUsage(double cpuSeconds, double jitSeconds, long peakRssKb, long rssKb) {

    /** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    static final ProcessUsage NONE = new ProcessUsage(0, 0, 0, 0);

    static ProcessUsage of(long pid) {
        Path proc = Path.of("/proc", String.valueOf(pid));
        try {
            List<String> status = Files.readAllLines(proc.resolve("status"));
            return new ProcessUsage(cpuSeconds(proc.resolve("stat")), jitSeconds(proc.resolve("task")),
                    kilobytes(status, "VmHWM:"), kilobytes(status, "VmRSS:"));
        } catch (IOException | RuntimeException e) {
            return new ProcessUsage(Double.NaN, Double.NaN, 0, 0);
        }
    }

    /** utime + stime of a process's or a thread's stat file. */
    private static double cpuSeconds(Path stat) throws IOException {
        String line = Files.readString(stat);
        // fields after the parenthesised command name; utime and stime are fields 14 and 15
        String[] fields = line.substring(line.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
    }

    /**
     * CPU seconds of the threads HotSpot names "C1 CompilerThread<n>" and "C2 CompilerThread<n>" that are
     * alive now. On two cores each tier has one compiler thread, which never ends; with more, the JVM
     * stops idle extra ones and their time goes with them, so the figure is then a lower bound.
     */
    private static double jitSeconds(Path tasks) throws IOException {
        double total = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (Path thread : threads.toList()) {
                try {
                    if (Files.readString(thread.resolve("comm")).matches("C[12] CompilerThre(?s).*")) {
                        total += cpuSeconds(thread.resolve("stat"));
                    }
                } catch (IOException ended) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return total;
    }

    private static long kilobytes(List<String> status, String field) {
        return status.stream().filter(line -> line.startsWith(field))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst().orElse(0);
    }

    ProcessUsage minus(ProcessUsage before) {
        return new ProcessUsage(cpuSeconds - before.cpuSeconds, jitSeconds - before.jitSeconds, peakRssKb, rssKb);
    }
}
