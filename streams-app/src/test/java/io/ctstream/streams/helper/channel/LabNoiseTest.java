package io.ctstream.streams.helper.channel;

import static org.assertj.core.api.Assertions.assertThat;

import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperOutcome;
import io.ctstream.streams.helper.HelperOutcome.ExpectationEviction;
import io.ctstream.streams.helper.HelperOutcome.ExpectationRequest;
import io.ctstream.streams.helper.LabReplay;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * On the lab's captures nothing but expectations, evictions and the scenario's own negative
 * findings is reported: no gaps, overflows, malformed-command refusals or drops on normal traffic.
 */
class LabNoiseTest {

    /** What each negative or quirk scenario is allowed to report besides expectations. */
    static final Map<String, Integer> FINDINGS =
            Map.of(
                    "ftp-bounce",
                    2,
                    "irc-dcc-forged",
                    1,
                    "ftp-split",
                    7,
                    "ftp-split-verb",
                    7,
                    "irc-dcc-quoted",
                    1);

    /** Findings that only kernel mode reports: robust mode reads what the client meant. */
    static final java.util.Set<String> KERNEL_ONLY_FINDINGS =
            java.util.Set.of("ftp-split", "ftp-split-verb", "irc-dcc-quoted");

    static List<String> scenarios() throws java.io.IOException {
        return LabScenarioTest.scenarios().toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void onlyTheScenariosOwnFindings(String scenario) {
        for (HelperMode mode : HelperMode.values()) {
            List<HelperOutcome> other =
                    LabReplay.run(scenario, HelperConfig.builder().mode(mode).build()).stream()
                            .filter(
                                    o ->
                                            !(o instanceof ExpectationRequest)
                                                    && !(o instanceof ExpectationEviction))
                            .toList();
            int allowed = FINDINGS.getOrDefault(scenario, 0);
            if (KERNEL_ONLY_FINDINGS.contains(scenario) && mode == HelperMode.ROBUST) {
                // robust mode reassembles the split command / parses the quoted name: nothing to
                // report
                allowed = 0;
            }
            assertThat(other).as("%s in %s mode: %s", scenario, mode, other).hasSize(allowed);
        }
    }
}
