package io.ctstream.registry;

import java.util.List;

/**
 * Answer of a compatibility check.
 *
 * @param compatible whether the registry would accept the schema under its compatibility rule
 * @param messages the registry's explanations, when it gave any (Confluent's {@code messages},
 *     Apicurio's {@code reason}); empty otherwise
 */
public record CompatibilityResult(boolean compatible, List<String> messages) {
    public CompatibilityResult {
        messages = List.copyOf(messages);
    }
}
