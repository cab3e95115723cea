package io.ctstream.streams.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The keys that set one builder, in documentation order (which is also binding order: a key whose
 * default is derived from another comes after it).
 */
public final class TunableSet<B> {
    private final Map<String, Tunable<B>> keys = new LinkedHashMap<>();

    @SafeVarargs
    public TunableSet(Collection<Tunable<B>>... groups) {
        for (Collection<Tunable<B>> group : groups) {
            for (Tunable<B> t : group) {
                if (keys.put(t.name(), t) != null) {
                    throw new IllegalStateException("key defined twice: " + t.name());
                }
            }
        }
    }

    public List<Tunable<B>> keys() {
        return List.copyOf(keys.values());
    }

    public boolean contains(String name) {
        return keys.containsKey(name);
    }

    /**
     * Sets every key of {@code values} that is one of these on {@code builder}, in this set's
     * order; other keys are left alone (the caller checks for unknown ones). A bad value is a
     * {@link org.apache.kafka.common.config.ConfigException} naming the key.
     */
    public B bind(Map<String, String> values, B builder) {
        B b = builder;
        for (Tunable<B> t : keys.values()) {
            String v = values.get(t.name());
            if (v != null) {
                b = t.apply(b, v);
            }
        }
        return b;
    }

    /**
     * The same keys setting a builder reached through {@code part} (e.g. a component's part of a
     * larger config).
     */
    public static <B, P> List<Tunable<B>> lift(
            List<Tunable<P>> keys, Function<B, P> get, BiFunction<B, P, B> set) {
        List<Tunable<B>> out = new ArrayList<>();
        for (Tunable<P> t : keys) {
            out.add(
                    new Tunable<>(
                            t.name(),
                            t.type(),
                            t.defaultValue(),
                            t.validator(),
                            t.doc(),
                            (b, v) -> set.apply(b, t.bind().apply(get.apply(b), v))));
        }
        return out;
    }
}
