package io.ctstream.capture.source;

import io.ctstream.capture.decode.LinkType;
import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * Replays capture files (pcap or pcapng, in the given order) as fast as possible, or at the
 * recorded pace multiplied by a speed factor. Pacing follows each file's own timestamps.
 */
public final class ReplaySource implements PacketSource {
    private final List<Path> files;
    private final double speed;
    private final long totalBytes;
    private volatile long bytesDone;
    private volatile long currentFilePosition;
    private volatile long frames;
    private volatile boolean stopped;

    /**
     * @param speed 0 (or any value ≤ 0 / infinite) for as fast as possible, else the pace factor
     *     (2.0 = twice as fast as recorded)
     */
    public ReplaySource(List<Path> files, double speed) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no capture files to replay");
        }
        long total = 0;
        for (Path f : files) {
            if (!Files.isReadable(f)) {
                throw new IOException("cannot read capture file " + f);
            }
            total += Files.size(f);
        }
        this.files = List.copyOf(files);
        this.speed = speed;
        this.totalBytes = total;
    }

    public boolean paced() {
        return speed > 0 && !Double.isInfinite(speed);
    }

    @Override
    public void run(Supplier<FrameSink> sinks) throws IOException {
        FrameSink sink = sinks.get();
        CapturedFrame frame = new CapturedFrame();
        for (Path file : files) {
            if (stopped) {
                return;
            }
            try (CaptureFileReader reader = CaptureFiles.open(file)) {
                long firstTs = Long.MIN_VALUE;
                long wallStart = 0;
                int checkedLinkType = -1;
                while (!stopped && reader.next(frame)) {
                    if (frame.linkType() != checkedLinkType) {
                        LinkType.requireSupported(
                                frame.linkType(), file + " (" + reader.format() + ")");
                        checkedLinkType = frame.linkType();
                    }
                    if (paced()) {
                        if (firstTs == Long.MIN_VALUE) {
                            firstTs = frame.timestampNanos();
                            wallStart = System.nanoTime();
                        }
                        long due = wallStart + (long) ((frame.timestampNanos() - firstTs) / speed);
                        long wait;
                        while ((wait = due - System.nanoTime()) > 0 && !stopped) {
                            LockSupport.parkNanos(Math.min(wait, 100_000_000L));
                        }
                    }
                    sink.accept(frame);
                    frames++;
                    currentFilePosition = reader.position();
                }
            }
            bytesDone += currentFilePosition;
            currentFilePosition = 0;
        }
    }

    @Override
    public void stop() {
        stopped = true;
    }

    @Override
    public String describe() {
        return "replay of "
                + files.size()
                + " file(s), "
                + (paced() ? "at " + speed + "x the recorded pace" : "as fast as possible");
    }

    /** Bytes of all files together, for progress. */
    public long totalBytes() {
        return totalBytes;
    }

    /** Bytes read so far over all files. */
    public long bytesRead() {
        return bytesDone + currentFilePosition;
    }

    public long frames() {
        return frames;
    }
}
