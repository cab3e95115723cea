package io.ctstream.streams.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * One key of the config file: its name, type, default (as written in the file, taken from the
 * config record's own defaults so that the documentation cannot drift), what it means, and how it
 * sets a builder of type {@code B}.
 *
 * @param name the key, e.g. {@code conntrack.udp.timeout}
 * @param type how the value is parsed (Kafka's {@link ConfigDef.Type})
 * @param defaultValue the default as a file would write it, or null when it is derived from other
 *     keys
 * @param validator checks a parsed value (null: any value of the type)
 * @param doc what the key means; says how a null default is derived
 * @param bind sets the parsed value on a builder and returns the builder
 */
public record Tunable<B>(
        String name,
        ConfigDef.Type type,
        String defaultValue,
        ConfigDef.Validator validator,
        String doc,
        BiFunction<B, Object, B> bind) {

    /**
     * Parses and checks {@code text}, then sets it on {@code builder}; a bad value is a {@link
     * ConfigException}.
     */
    public B apply(B builder, String text) {
        Object value = ConfigDef.parseType(name, text.strip(), type);
        if (validator != null) {
            validator.ensureValid(name, value);
        }
        try {
            return bind.apply(builder, value);
        } catch (IllegalArgumentException e) {
            // a value valid alone that the config record refuses (a range, or together with another
            // key)
            throw new ConfigException(name, text, e.getMessage());
        }
    }

    /** The value type, as the documentation table shows it. */
    public String typeName() {
        if (validator == DurationValue.VALIDATOR) {
            return "duration";
        }
        if (validator == PORTS) {
            return "ports";
        }
        return type.name().toLowerCase(Locale.ROOT);
    }

    /**
     * The accepted values, as the documentation table shows them ("" when any value of the type).
     */
    public String validValues() {
        return validator == null ? "" : validator.toString();
    }

    public static <B> Tunable<B> bool(
            String name, boolean dflt, String doc, BiFunction<B, Boolean, B> bind) {
        return new Tunable<>(
                name,
                ConfigDef.Type.BOOLEAN,
                String.valueOf(dflt),
                null,
                doc,
                (b, v) -> bind.apply(b, (Boolean) v));
    }

    public static <B> Tunable<B> integer(
            String name, int dflt, int min, int max, String doc, BiFunction<B, Integer, B> bind) {
        return integer(name, String.valueOf(dflt), min, max, doc, bind);
    }

    /** An integer whose default is derived from other keys when {@code dflt} is null. */
    public static <B> Tunable<B> integer(
            String name,
            String dflt,
            int min,
            int max,
            String doc,
            BiFunction<B, Integer, B> bind) {
        ConfigDef.Range range =
                max == Integer.MAX_VALUE
                        ? ConfigDef.Range.atLeast(min)
                        : ConfigDef.Range.between(min, max);
        return new Tunable<>(
                name, ConfigDef.Type.INT, dflt, range, doc, (b, v) -> bind.apply(b, (Integer) v));
    }

    public static <B> Tunable<B> duration(
            String name, Duration dflt, String doc, BiFunction<B, Duration, B> bind) {
        return new Tunable<>(
                name,
                ConfigDef.Type.STRING,
                DurationValue.format(dflt),
                DurationValue.VALIDATOR,
                doc,
                (b, v) -> bind.apply(b, DurationValue.parse(name, (String) v)));
    }

    /**
     * A comma-separated list of TCP/UDP ports, 1 to 65535; a null default is derived from other
     * keys.
     */
    public static <B> Tunable<B> ports(
            String name, Set<Integer> dflt, String doc, BiFunction<B, Set<Integer>, B> bind) {
        String text =
                dflt == null
                        ? null
                        : new TreeSet<>(dflt)
                                .stream().map(String::valueOf).collect(Collectors.joining(","));
        return new Tunable<>(
                name,
                ConfigDef.Type.LIST,
                text,
                PORTS,
                doc,
                (b, v) -> {
                    Set<Integer> ports = new TreeSet<>();
                    for (Object p : (List<?>) v) {
                        ports.add(Integer.parseInt(p.toString().strip()));
                    }
                    return bind.apply(b, ports);
                });
    }

    /** One of {@code values}, case-insensitive. */
    public static <B> Tunable<B> choice(
            String name,
            String dflt,
            List<String> values,
            String doc,
            BiFunction<B, String, B> bind) {
        return new Tunable<>(
                name,
                ConfigDef.Type.STRING,
                dflt,
                ConfigDef.CaseInsensitiveValidString.in(values.toArray(String[]::new)),
                doc,
                (b, v) -> bind.apply(b, ((String) v).toLowerCase(Locale.ROOT)));
    }

    private static final ConfigDef.Validator PORTS =
            new ConfigDef.Validator() {
                @Override
                public void ensureValid(String name, Object value) {
                    for (Object p : (List<?>) value) {
                        String s = p.toString().strip();
                        int port;
                        try {
                            port = Integer.parseInt(s);
                        } catch (NumberFormatException e) {
                            throw new ConfigException(
                                    name, value, "'" + s + "' is not a port number");
                        }
                        if (port < 1 || port > 65535) {
                            throw new ConfigException(
                                    name, value, "port " + port + " is out of range 1..65535");
                        }
                    }
                }

                @Override
                public String toString() {
                    return "ports 1..65535, comma-separated";
                }
            };
}
