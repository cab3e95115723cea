package io.ctstream.capture.agent;

import io.ctstream.capture.source.ReplaySource;
import java.io.PrintStream;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A one-line progress display for file replay, redrawn in place on stderr (the caller shows it only
 * on a terminal): bytes read of the total, packets, packets/s and the ETA (from the bytes still to
 * read at the rate so far).
 */
final class ReplayProgress implements AutoCloseable {
    private static final int WIDTH = 30;
    private final ReplaySource source;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private final ScheduledExecutorService timer =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "ctstream-progress");
                        t.setDaemon(true);
                        return t;
                    });

    ReplayProgress(ReplaySource source, PrintStream out) {
        this.source = source;
        this.out = out;
        timer.scheduleAtFixedRate(this::draw, 250, 250, TimeUnit.MILLISECONDS);
    }

    static String line(long frames, long bytesRead, long totalBytes, double seconds) {
        double fraction = totalBytes == 0 ? 1 : Math.min(1, bytesRead / (double) totalBytes);
        int filled = (int) (fraction * WIDTH);
        double rate = seconds <= 0 ? 0 : frames / seconds;
        String eta;
        if (fraction <= 0 || seconds <= 0) {
            eta = "--:--";
        } else {
            long left = (long) (seconds / fraction - seconds);
            eta = String.format("%02d:%02d", left / 60, left % 60);
        }
        return String.format(
                "[%s%s] %3d%% %s of %s, %,d packets, %,.0f packets/s, ETA %s",
                "#".repeat(filled),
                ".".repeat(WIDTH - filled),
                (int) (fraction * 100),
                bytes(bytesRead),
                bytes(totalBytes),
                frames,
                rate,
                eta);
    }

    /** Bytes in the binary unit that keeps the number short: 512 B, 1.5 KiB, 12.3 MiB, 2.0 GiB. */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }

    private void draw() {
        out.print(
                "\r"
                        + line(
                                source.frames(),
                                source.bytesRead(),
                                source.totalBytes(),
                                (System.nanoTime() - start) / 1e9));
        out.flush();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        draw();
        out.println();
    }
}
