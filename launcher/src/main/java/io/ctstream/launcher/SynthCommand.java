package io.ctstream.launcher;

import io.ctstream.capture.synth.Synth;
import io.ctstream.capture.synth.SynthMix;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ctstream synth}: writes a deterministic synthetic pcap for tests and benchmarks. */
@Command(
        name = "synth",
        mixinStandardHelpOptions = true,
        description =
                "Write a synthetic Ethernet pcap of N packets, the same bytes for the same seed: by default "
                        + "heavy-tailed traffic (Pareto-sized TCP transfers, DNS, ICMP, FTP with PASV/PORT/EPSV, IRC DCC), "
                        + "or a SYN flood.")
public final class SynthCommand implements Callable<Integer> {
    @Option(
            names = "--packets",
            required = true,
            paramLabel = "N",
            description = "Number of packets.")
    long packets;

    @Option(
            names = "--seed",
            paramLabel = "S",
            description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(
            names = "--out",
            required = true,
            paramLabel = "FILE",
            description = "Output pcap file.")
    Path out;

    @Option(
            names = "--mix",
            paramLabel = "MIX",
            converter = MixConverter.class,
            description =
                    "default (heavy-tailed flow sizes) or syn-flood (one SYN per flow) (default: default).")
    SynthMix mix = SynthMix.DEFAULT;

    /** Takes the mixes' command-line names (default, syn-flood). */
    static final class MixConverter implements picocli.CommandLine.ITypeConverter<SynthMix> {
        @Override
        public SynthMix convert(String value) {
            try {
                return SynthMix.fromCli(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Override
    public Integer call() {
        if (packets < 0) {
            System.err.println("ctstream: --packets must be >= 0");
            return 2;
        }
        try {
            long start = System.nanoTime();
            Synth.write(out, packets, seed, mix);
            System.err.printf(
                    "ctstream: wrote %,d packets (%s mix) to %s in %.1f s%n",
                    packets, mix.cliName(), out, (System.nanoTime() - start) / 1e9);
            return 0;
        } catch (IOException e) {
            System.err.println("ctstream: cannot write " + out + ": " + e.getMessage());
            return 1;
        }
    }
}
