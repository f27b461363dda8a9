package io.brushline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** CPU seconds, peak and current resident memory of a process, read from Linux's /proc. */
record ProcessUsage(double cpuSeconds, long peakRssKb, long rssKb) {

    /** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ). */
    private static final double TICKS_PER_SECOND = 100.0;

    static ProcessUsage of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // fields after the parenthesised command name; utime and stime are fields 14 and 15
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
            List<String> status = Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"));
            return new ProcessUsage(cpu, kilobytes(status, "VmHWM:"), kilobytes(status, "VmRSS:"));
        } catch (IOException | RuntimeException e) {
            return new ProcessUsage(Double.NaN, 0, 0);
        }
    }

    private static long kilobytes(List<String> status, String field) {
        return status.stream().filter(line -> line.startsWith(field))
                .mapToLong(line -> Long.parseLong(line.replaceAll("\\D", ""))).findFirst().orElse(0);
    }

    ProcessUsage minus(ProcessUsage before) {
        return new ProcessUsage(cpuSeconds - before.cpuSeconds, peakRssKb, rssKb);
    }
}
