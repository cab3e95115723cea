package io.ctstream.streams.helper.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.Addresses;
import io.ctstream.streams.helper.ExpectedTuple;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.HelperOutcome.ExpectationEviction;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import io.ctstream.streams.helper.LabCapture;
import io.ctstream.streams.helper.LabReplay;
import io.ctstream.streams.helper.registry.HelperRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every lab capture in ../testdata/lab, through the analyzer in both modes, against the
 * expectations the Linux kernel created (helper, expected tuple with wildcards, direction, and
 * which were evicted). KERNEL mode must agree exactly; ROBUST mode too, except for the documented
 * improvements listed in {@link #ROBUST_IMPROVEMENTS}.
 */
class LabScenarioTest {

    /**
     * Scenarios where ROBUST mode deliberately creates what the kernel did not (README,
     * "differences").
     */
    static final Set<String> ROBUST_IMPROVEMENTS =
            Set.of(
                    "ftp-split", // PORT split inside its numbers: reassembled
                    "ftp-split-verb", // the verb itself split ("PO" + "RT ..."): reassembled
                    "ftp-pipelined", // NOOP and PORT in one segment: every line is parsed
                    "irc-dcc-quoted", // mIRC-style quoted filename with spaces: parsed
                    "irc-dcc-split"); // DCC PRIVMSG split inside the IP number: reassembled

    static Stream<String> scenarios() throws IOException {
        try (Stream<java.nio.file.Path> files = Files.list(LabCapture.LAB)) {
            return files
                    .map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".expect.json"))
                    .map(n -> n.substring(0, n.length() - ".expect.json".length()))
                    .sorted()
                    .toList()
                    .stream();
        }
    }

    /** helper|src|dst|dport|direction|evicted, the fields the kernel's oracle has. */
    static List<String> kernelExpectations(String scenario) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : LabCapture.expectations(scenario)) {
            JsonNode x = e.get("expected");
            out.add(
                    String.join(
                            "|",
                            e.get("helper").asText(),
                            x.get("src").asText(),
                            x.get("sport").asText(),
                            x.get("dst").asText(),
                            x.get("dport").asText(),
                            e.get("direction").asText(),
                            String.valueOf(e.get("outcome").asText().equals("evicted"))));
        }
        return out;
    }

    static List<String> ours(List<HelperOutcome> outcomes) {
        List<String> evicted =
                LabReplay.only(outcomes, ExpectationEviction.class).stream()
                        .map(ExpectationEviction::evictedExpectationId)
                        .toList();
        List<String> out = new ArrayList<>();
        for (ExpectationRequest r : LabReplay.only(outcomes, ExpectationRequest.class)) {
            ExpectedTuple x = r.expected();
            out.add(
                    String.join(
                            "|",
                            r.helper(),
                            Addresses.format(x.src()),
                            x.srcPort() == null ? "*" : "" + x.srcPort(),
                            Addresses.format(x.dst()),
                            "" + x.dstPort(),
                            r.direction().name().toLowerCase(Locale.ROOT),
                            String.valueOf(evicted.contains(r.expectationId()))));
        }
        return out;
    }

    /** The lab's *-nohelper controls ran without the `ct helper set` rules: no helper port then. */
    static HelperConfig config(String scenario, HelperMode mode) {
        HelperConfig.Builder b = HelperConfig.builder().mode(mode);
        if ("off".equals(LabCapture.summary(scenario).get("helpers").asText())) {
            HelperRegistry.helpersOff(b);
        }
        return b.build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void kernelModeCreatesExactlyTheKernelsExpectations(String scenario) {
        List<HelperOutcome> outcomes = LabReplay.run(scenario, config(scenario, HelperMode.KERNEL));
        assertThat(ours(outcomes))
                .as("kernel mode on %s", scenario)
                .isEqualTo(kernelExpectations(scenario));
        assertThat(outcomes).allSatisfy(o -> assertThat(o.mode()).isEqualTo(HelperMode.KERNEL));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void robustModeAgreesWithTheKernelExceptDocumentedImprovements(String scenario) {
        List<HelperOutcome> outcomes = LabReplay.run(scenario, config(scenario, HelperMode.ROBUST));
        List<String> kernel = kernelExpectations(scenario);
        if (ROBUST_IMPROVEMENTS.contains(scenario)) {
            assertThat(ours(outcomes))
                    .as("robust mode on %s: the command the client meant", scenario)
                    .containsAll(kernel)
                    .hasSizeGreaterThan(kernel.size());
        } else {
            assertThat(ours(outcomes)).as("robust mode on %s", scenario).isEqualTo(kernel);
        }
        assertThat(outcomes).allSatisfy(o -> assertThat(o.mode()).isEqualTo(HelperMode.ROBUST));
    }
}
