package io.ctstream.launcher;

import io.ctstream.capture.agent.CaptureAgentConfig;
import io.ctstream.capture.source.LiveCaptureOptions;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ctstream capture}: live capture on interfaces through libpcap (pcap4j). */
@Command(
        name = "capture",
        mixinStandardHelpOptions = true,
        description =
                "Capture live on one or more interfaces and publish every packet to the packets topic.")
public final class CaptureCommand implements Callable<Integer> {
    @Mixin ClientOptions client = new ClientOptions();

    @Mixin CaptureAgentOptions agent = new CaptureAgentOptions();

    @Option(
            names = {"-i", "--interface"},
            required = true,
            arity = "1..*",
            paramLabel = "IF",
            description =
                    "Interfaces to capture on (one thread each); 'any' for all (Linux cooked capture).")
    List<String> interfaces;

    @Option(
            names = {"-f", "--filter"},
            paramLabel = "BPF",
            description = "BPF filter expression, as tcpdump takes it.")
    String filter;

    @Option(
            names = {"-s", "--snaplen"},
            paramLabel = "BYTES",
            description = "Bytes kept per frame (default: ${DEFAULT-VALUE}).")
    int snaplen = 65535;

    @Option(
            names = "--no-promiscuous",
            description = "Do not put the interfaces into promiscuous mode.")
    boolean noPromiscuous;

    @Option(
            names = "--buffer-size",
            paramLabel = "BYTES",
            description = "Kernel capture buffer (default: ${DEFAULT-VALUE}).")
    int bufferSize = 16 * 1024 * 1024;

    @Option(
            names = "--no-immediate",
            description = "Let libpcap batch packets instead of delivering each at once.")
    boolean noImmediate;

    @Option(
            names = "--timeout-ms",
            paramLabel = "MS",
            description = "libpcap read timeout (default: ${DEFAULT-VALUE}).")
    int timeoutMs = 100;

    @Option(
            names = "--netns",
            paramLabel = "NAME",
            description =
                    "Open the interfaces in this network namespace (ip netns), e.g. a gateway's; Kafka stays in ours.")
    String netns;

    @Option(
            names = "--inbound-only",
            description =
                    "Only packets the interfaces received: on a gateway, each forwarded packet once (as conntrack sees it).")
    boolean inboundOnly;

    @Override
    public Integer call() {
        CaptureAgentConfig config =
                agent.apply(client, CaptureAgentConfig.builder())
                        .live(
                                new LiveCaptureOptions(
                                        interfaces,
                                        filter,
                                        snaplen,
                                        !noPromiscuous,
                                        bufferSize,
                                        !noImmediate,
                                        timeoutMs,
                                        netns,
                                        inboundOnly))
                        .build();
        client.requireReachable(config.topic());
        return CaptureAgentRunner.run(config, agent.metrics);
    }
}
