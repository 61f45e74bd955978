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
        long[] jvmThreads = jvmThreadTicks();
        return new Reading(os.getProcessCpuTime(), threads.getThreadCpuTime(threadId), jvmThreads[0], jvmThreads[1], busy, steal,
                total);
    }

    /**
     * Clock ticks of the JVM's own threads, which no MXBean reports: {JIT compilers, garbage collector}. Read from
     * {@code /proc/self/task}; a thread that ended between two readings takes its ticks with it.
     */
    private static long[] jvmThreadTicks() {
        long[] ticks = new long[2];
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path task : tasks) {
                try {
                    String name = Files.readString(task.resolve("comm")).trim();
                    int kind = name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler") ? 0
                            : name.startsWith("GC Thread") || name.startsWith("G1 ") ? 1 : -1;
                    if (kind >= 0) {
                        String stat = Files.readString(task.resolve("stat"));
                        // After "(comm)": state is field 3, utime 14 and stime 15 of the whole line.
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks[kind] += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException | RuntimeException ended) {
                    // The thread ended while being read.
                }
            }
        } catch (IOException | RuntimeException e) {
            // No procfs: both stay zero.
        }
        return ticks;
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
