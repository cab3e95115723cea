package io.ctstream.streams.config;

import static io.ctstream.streams.config.Tunable.bool;
import static io.ctstream.streams.config.Tunable.duration;
import static io.ctstream.streams.config.Tunable.integer;

import io.ctstream.streams.StreamsAppConfig;
import io.ctstream.streams.limits.LimitsConfig;
import io.ctstream.streams.matching.MatcherConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every streams-app key of the config file, bound to a {@link StreamsAppConfig.Builder}: {@code
 * conntrack.*}, {@code helper.*}, {@code matcher.*}, {@code limits.*} and {@code streams.*}. The
 * defaults in the table come from the config records' own defaults.
 */
public final class StreamsKeys {
    /** Every key, in documentation and binding order. */
    public static final TunableSet<StreamsAppConfig.Builder> KEYS =
            new TunableSet<>(
                    TunableSet.lift(
                            ConntrackKeys.keys(),
                            b -> b.conntrack().toBuilder(),
                            (b, c) -> b.conntrack(c.build())),
                    TunableSet.lift(
                            HelperKeys.keys(),
                            b -> b.helpers().toBuilder(),
                            (b, h) -> b.helpers(h.build())),
                    TunableSet.lift(
                            matcher(),
                            b -> b.matcher().toBuilder(),
                            (b, m) -> b.matcher(m.build())),
                    TunableSet.lift(
                            limits(), b -> b.limits().toBuilder(), (b, l) -> b.limits(l.build())),
                    streams());

    private StreamsKeys() {}

    /**
     * Sets the streams-app keys among {@code values} on {@code builder}; other keys are ignored.
     */
    public static StreamsAppConfig.Builder bind(
            Map<String, String> values, StreamsAppConfig.Builder builder) {
        return KEYS.bind(values, builder);
    }

    private static List<Tunable<MatcherConfig.Builder>> matcher() {
        MatcherConfig d = MatcherConfig.defaults();
        return List.of(
                duration(
                        "matcher.grace",
                        Duration.ofNanos(d.graceMicros() * 1000),
                        "Lateness allowed in event time: how far a new connection seen by another sensor may "
                                + "precede its expectation, and how long a decision waits after every tracker has "
                                + "passed its time (streams-app README, The matcher decides in event time).",
                        MatcherConfig.Builder::grace),
                integer(
                        "matcher.max-pending",
                        d.maxPending(),
                        1,
                        Integer.MAX_VALUE,
                        "New connections per matcher task waiting for their decision; beyond it a new connection "
                                + "stays NEW, counted and alerted.",
                        MatcherConfig.Builder::maxPending),
                integer(
                        "matcher.max-expectations-per-slot",
                        d.maxExpectationsPerSlot(),
                        1,
                        Integer.MAX_VALUE,
                        "Live expectations kept per expected destination (a flood guard over the helpers' "
                                + "max-expected); the oldest is evicted and counted.",
                        MatcherConfig.Builder::maxExpectationsPerSlot));
    }

    private static List<Tunable<LimitsConfig.Builder>> limits() {
        LimitsConfig d = LimitsConfig.defaults();
        List<Tunable<LimitsConfig.Builder>> k = new ArrayList<>();
        k.add(
                integer(
                        "limits.max-connections",
                        d.maxConnections(),
                        1,
                        Integer.MAX_VALUE,
                        "Connections kept per tracker task (nf_conntrack_max, per partition); a new one beyond it first "
                                + "early-drops an unassured connection, else is not tracked.",
                        (b, v) -> {
                            // the expectation cap follows, as the kernel's default does, unless it
                            // was set apart
                            LimitsConfig now = b.build();
                            boolean derived =
                                    now.maxExpectations()
                                            == LimitsConfig.kernelExpectMax(now.maxConnections());
                            return b.maxConnections(v)
                                    .maxExpectations(
                                            derived
                                                    ? LimitsConfig.kernelExpectMax(v)
                                                    : now.maxExpectations());
                        }));
        k.add(
                integer(
                        "limits.max-expectations",
                        null,
                        1,
                        Integer.MAX_VALUE,
                        "Live expectations per tracker task (nf_conntrack_expect_max); one beyond it is refused. Default: "
                                + "the kernel's, max(128, limits.max-connections / 256).",
                        LimitsConfig.Builder::maxExpectations));
        k.add(
                integer(
                        "limits.early-drop-scan",
                        d.earlyDropScan(),
                        1,
                        Integer.MAX_VALUE,
                        "Connections, soonest timeout first, that early drop looks at for an unassured one.",
                        LimitsConfig.Builder::earlyDropScan));
        k.add(
                integer(
                        "limits.max-match-slots",
                        d.maxMatchSlots(),
                        1,
                        Integer.MAX_VALUE,
                        "Expected destinations the matcher keeps per task; when full, the slot due soonest is advanced "
                                + "early, else the input is refused.",
                        LimitsConfig.Builder::maxMatchSlots));
        k.add(
                integer(
                        "limits.flood-evictions",
                        d.floodEvictions(),
                        1,
                        Integer.MAX_VALUE,
                        "Evictions per master within one alert interval that raise an expectation-flood alert.",
                        LimitsConfig.Builder::floodEvictions));
        k.add(
                duration(
                        "limits.alert-interval",
                        Duration.ofNanos(d.alertIntervalMicros() * 1000),
                        "At most one alert per limit and subject per this much stream time; the next carries the count "
                                + "suppressed in between.",
                        (b, v) -> b.alertIntervalMicros(v.toNanos() / 1000)));
        k.add(
                integer(
                        "limits.max-batch-packets",
                        d.maxBatchPackets(),
                        1,
                        Integer.MAX_VALUE,
                        "Packets one packets record may carry; a larger batch is dead-lettered whole.",
                        LimitsConfig.Builder::maxBatchPackets));
        return k;
    }

    private static List<Tunable<StreamsAppConfig.Builder>> streams() {
        StreamsAppConfig d =
                StreamsAppConfig.builder().bootstrapServers("-").schemaRegistryUrl("-").build();
        return List.of(
                bool(
                        "streams.tentative-pinholes",
                        d.tentativePinholes(),
                        "Also publish each ALLOW at once, outside the transaction, as a tentative copy "
                                + "(streams-app README, Policy and verdicts).",
                        StreamsAppConfig.Builder::tentativePinholes),
                bool(
                        "streams.commit-on-pinhole",
                        d.commitOnPinhole(),
                        "Commit as soon as the tracker has written a pinhole's ALLOW instead of at the next "
                                + "commit.interval.ms.",
                        StreamsAppConfig.Builder::commitOnPinhole));
    }
}
