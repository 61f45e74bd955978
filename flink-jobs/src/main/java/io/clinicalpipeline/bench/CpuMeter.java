package io.clinicalpipeline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a benchmark's CPU went between two readings: this JVM (broker, MiniCluster and clients), one of its threads (the
 * load generator), the JIT compilers and the garbage collector, and the whole machine from {@code /proc/stat}, including the time the hypervisor gave to other guests
 * (steal). Latency near saturation swings several-fold between runs; CPU per event moves far less, so variants are
 * compared by it.
 */
final class CpuMeter {
    private static final Path PROC_STAT = Path.of("/proc/stat");
    /** USER_HZ: procfs counts CPU time in hundredths of a second on every Linux platform Java runs on. */
    private static final double TICKS_PER_SECOND = 100.0;

    /** One reading; the machine's counters are in clock ticks, -1 where {@code /proc/stat} cannot be read. */
    record Reading(long processNanos, long threadNanos, long jitTicks, long gcTicks, long machineBusy, long machineSteal,
                   long machineTotal) {}

    /** What happened between two readings. */
    record Usage(double processCores, double threadCores, double jitCores, double gcCores, double machineBusy, double machineSteal) {
        /** Microseconds of this JVM's CPU, less the measured thread's, per event. */
        double pipelineMicrosPerEvent(double seconds, double events) {
            return (processCores - threadCores) * seconds * 1e6 / events;
        }
    }

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final long threadId;

    /** @param thread the thread whose CPU is told apart (the generator) */
    CpuMeter(Thread thread) {
        this.threadId = thread.getId();
    }

    Reading read() {
        long busy = -1;
        long steal = -1;
        long total = -1;
        try {
            // cpu  user nice system idle iowait irq softirq steal guest guest_nice
            String[] f = Files.readAllLines(PROC_STAT).get(0).trim().split("\\s+");
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            total = 0;
            for (int i = 1; i <= 8; i++) {
                total += Long.parseLong(f[i]);
            }
            steal = Long.parseLong(f[8]);
            busy = total - idle - steal;
        } catch (IOException | RuntimeException e) {
            // Not Linux, or no procfs: the machine's figures are left out.
        }
        long jit = 0;
        long gc = 0;
        // JIT compiler and GC threads are the JVM's own; no MXBean reports their CPU, procfs does (in ticks). A thread
        // that ended between two readings takes its ticks with it.
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                String name = readOrEmpty(task.resolve("comm"));
                if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
                    jit += ticks(task);
                } else if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
                    gc += ticks(task);
                }
            }
        } catch (IOException | RuntimeException e) {
            // No procfs: both stay zero.
        }
        return new Reading(os.getProcessCpuTime(), threads.getThreadCpuTime(threadId), jit, gc, busy, steal, total);
    }

    /** utime + stime of a thread: fields 14 and 15 of its stat line, counted after the parenthesised name. */
    private static long ticks(Path task) {
        String stat = readOrEmpty(task.resolve("stat"));
        int nameEnd = stat.lastIndexOf(')');
        if (nameEnd < 0) {
            return 0;
        }
        String[] f = stat.substring(nameEnd + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** A procfs file of a thread, or "" once the thread has ended. */
    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "";
        }
    }

    static Usage between(Reading from, Reading to, double seconds) {
        double machineTicks = to.machineTotal() - from.machineTotal();
        boolean machine = from.machineTotal() >= 0 && to.machineTotal() >= 0 && machineTicks > 0;
        return new Usage((to.processNanos() - from.processNanos()) / 1e9 / seconds,
                (to.threadNanos() - from.threadNanos()) / 1e9 / seconds,
                (to.jitTicks() - from.jitTicks()) / TICKS_PER_SECOND / seconds,
                (to.gcTicks() - from.gcTicks()) / TICKS_PER_SECOND / seconds,
                machine ? (to.machineBusy() - from.machineBusy()) / machineTicks : Double.NaN,
                machine ? (to.machineSteal() - from.machineSteal()) / machineTicks : Double.NaN);
    }
}
