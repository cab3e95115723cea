package io.ctstream.capture.source;

import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.PacketDecoder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs the agent's live source inside a network namespace (started by LiveCaptureNetnsTest through
 * {@code ip netns exec}): prints "ready" once the interface is open, "count N" whenever the number
 * of decoded packets to the given UDP port changes, and "final ..." after "stop" arrives on stdin
 * (or stdin closes).
 */
public final class LiveCaptureProbe {
    private LiveCaptureProbe() {}

    public static void main(String[] args) throws Exception {
        String itf = args[0];
        String filter = args[1];
        int port = Integer.parseInt(args[2]);
        LiveSource source =
                new LiveSource(
                        new LiveCaptureOptions(
                                List.of(itf), filter, 65535, true, 4 << 20, true, 50));
        try {
            source.open();
        } catch (RuntimeException e) {
            System.out.println("error " + e.getMessage());
            System.out.flush();
            System.exit(3);
        }
        AtomicLong matching = new AtomicLong();
        AtomicLong other = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        Thread runner =
                new Thread(
                        () -> {
                            try {
                                source.run(
                                        () -> {
                                            PacketDecoder d = new PacketDecoder();
                                            DecodedPacket p = new DecodedPacket();
                                            return f -> {
                                                if (!d.decode(
                                                        f.linkType(),
                                                        f.data(),
                                                        f.capturedLength(),
                                                        f.originalLength(),
                                                        p)) {
                                                    rejected.incrementAndGet();
                                                } else if (p.protocol() == 17
                                                        && p.dstPort() == port
                                                        && p.payloadLength() == 4) {
                                                    System.out.println(
                                                            "count " + matching.incrementAndGet());
                                                    System.out.flush();
                                                } else {
                                                    other.incrementAndGet();
                                                }
                                            };
                                        });
                            } catch (Exception e) {
                                System.out.println("error " + e.getMessage());
                                System.out.flush();
                            }
                        },
                        "probe");
        runner.start();
        System.out.println("ready");
        System.out.flush();
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null && !line.equals("stop")) {
            // wait for stop
        }
        source.stop();
        runner.join(5_000);
        LiveSource.PcapCounters c = source.pcapStats().get(itf);
        System.out.println(
                "final matching="
                        + matching.get()
                        + " other="
                        + other.get()
                        + " rejected="
                        + rejected.get()
                        + " pcapReceived="
                        + c.received.get()
                        + " pcapDropped="
                        + c.dropped.get());
        System.out.flush();
    }
}
