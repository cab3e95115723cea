package io.ctstream.streams.helper;

import io.ctstream.avro.HelperMode;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What the helpers can be told: the mode, the robust mode's bounds, and per helper name a {@link
 * HelperPolicy} that replaces that helper's own defaults ({@link ConntrackHelper#defaultPolicy}:
 * the kernel module's). A helper not named here runs with its defaults. Names are checked against
 * the registered helpers where the analyzer is built.
 *
 * @param mode KERNEL reproduces the Linux helpers per segment; ROBUST reassembles (default)
 * @param policies helper name → the policy that replaces its defaults
 * @param lineBufferBytes robust mode: longest control line kept (Zeek's 4 KiB)
 * @param reassemblyWindowBytes robust mode: out-of-order bytes held per direction
 * @param reassemblyMaxSegments robust mode: out-of-order segments held per direction
 */
public record HelperConfig(
        HelperMode mode,
        Map<String, HelperPolicy> policies,
        int lineBufferBytes,
        int reassemblyWindowBytes,
        int reassemblyMaxSegments) {

    public HelperConfig {
        Objects.requireNonNull(mode, "mode");
        policies = Map.copyOf(policies);
        requireRange("lineBufferBytes", lineBufferBytes, 16, 1 << 20);
        requireRange("reassemblyWindowBytes", reassemblyWindowBytes, 1, 1 << 24);
        requireRange("reassemblyMaxSegments", reassemblyMaxSegments, 1, 1 << 16);
    }

    private static void requireRange(String name, int v, int min, int max) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(
                    name + " must be in [" + min + ", " + max + "]: " + v);
        }
    }

    /** The kernel's defaults in ROBUST mode. */
    public static HelperConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b =
                new Builder()
                        .mode(mode)
                        .lineBufferBytes(lineBufferBytes)
                        .reassemblyWindowBytes(reassemblyWindowBytes)
                        .reassemblyMaxSegments(reassemblyMaxSegments);
        b.policies.putAll(policies);
        return b;
    }

    /** The policy {@code helper} runs with: the configured one, else its own defaults. */
    public HelperPolicy policy(ConntrackHelper helper) {
        return policies.getOrDefault(helper.name(), helper.defaultPolicy());
    }

    /** Builder with the kernel's defaults. */
    public static final class Builder {
        private HelperMode mode = HelperMode.ROBUST;
        private final Map<String, HelperPolicy> policies = new HashMap<>();
        private int lineBufferBytes = 4096;
        private int reassemblyWindowBytes = 64 * 1024;
        private int reassemblyMaxSegments = 64;

        public Builder mode(HelperMode v) {
            mode = v;
            return this;
        }

        /** Replaces the defaults of the helper named {@code helper}. */
        public Builder policy(String helper, HelperPolicy v) {
            policies.put(helper, v);
            return this;
        }

        /** Changes the policy of {@code helper} (its defaults unless configured already). */
        public Builder policy(ConntrackHelper helper, UnaryOperator<HelperPolicy> change) {
            HelperPolicy changed =
                    change.apply(policies.getOrDefault(helper.name(), helper.defaultPolicy()));
            // a policy changed back to the helper's defaults is no override: configs equal when
            // they behave the same
            if (changed.equals(helper.defaultPolicy())) {
                policies.remove(helper.name());
            } else {
                policies.put(helper.name(), changed);
            }
            return this;
        }

        public Builder lineBufferBytes(int v) {
            lineBufferBytes = v;
            return this;
        }

        public Builder reassemblyWindowBytes(int v) {
            reassemblyWindowBytes = v;
            return this;
        }

        public Builder reassemblyMaxSegments(int v) {
            reassemblyMaxSegments = v;
            return this;
        }

        public HelperConfig build() {
            return new HelperConfig(
                    mode, policies, lineBufferBytes, reassemblyWindowBytes, reassemblyMaxSegments);
        }
    }
}
