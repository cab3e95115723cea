package io.ctstream.launcher;

import io.ctstream.capture.synth.Synth;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ctstream synth}: writes a deterministic synthetic pcap for tests and benchmarks. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a synthetic Ethernet pcap of N packets (TCP, UDP, ICMP, FTP with PASV/PORT/EPSV, IRC DCC), "
                + "the same bytes for the same seed.")
public final class SynthCommand implements Callable<Integer> {
    @Option(names = "--packets", required = true, paramLabel = "N", description = "Number of packets.")
    long packets;

    @Option(names = "--seed", paramLabel = "S", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Output pcap file.")
    Path out;

    @Override
    public Integer call() {
        if (packets < 0) {
            System.err.println("ctstream: --packets must be >= 0");
            return 2;
        }
        try {
            long start = System.nanoTime();
            Synth.write(out, packets, seed);
            System.err.printf("ctstream: wrote %,d packets to %s in %.1f s%n", packets, out, (System.nanoTime() - start) / 1e9);
            return 0;
        } catch (IOException e) {
            System.err.println("ctstream: cannot write " + out + ": " + e.getMessage());
            return 1;
        }
    }
}
