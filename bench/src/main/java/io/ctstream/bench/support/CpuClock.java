package io.ctstream.bench.support;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/**
 * CPU time of this JVM (all its threads), next to the wall clock. The broker and registry run in
 * child JVMs, so this is the measured client's own cost — steadier than a rate on a shared machine.
 */
public final class CpuClock {
    private final long cpuStart;
    private final long wallStart;

    private CpuClock() {
        this.cpuStart = processCpuNanos();
        this.wallStart = System.nanoTime();
    }

    public static CpuClock start() {
        return new CpuClock();
    }

    public long cpuNanos() {
        return processCpuNanos() - cpuStart;
    }

    public long wallNanos() {
        return System.nanoTime() - wallStart;
    }

    /** Records per second of wall time. */
    public double rate(long records) {
        return records / (wallNanos() / 1e9);
    }

    /** CPU microseconds per record. */
    public double cpuMicrosPer(long records) {
        return cpuNanos() / 1e3 / Math.max(1, records);
    }

    private static long processCpuNanos() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** The 1-minute load average of the machine (a note for the table). */
    public static double loadAverage() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }
}
