package io.ctstream.serde;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;

/**
 * Data models that let Avro use the generated classes' own {@code customEncode}/{@code
 * customDecode} methods: straight field-by-field code instead of the generic datum writer's
 * per-field reflection and the fast reader's per-field lambdas, and the same bytes. Avro turns
 * custom coders on only through a system property or a model's {@link
 * SpecificData#setCustomCoders}; the generated classes' own models are shared, so these are copies
 * of them (with their logical-type conversions, which matter only for a class without custom
 * coders, where Avro falls back to the generic path). The fast reader is off in these models
 * because it would bypass the custom decoder.
 */
public final class SpecificCoders {
    private static final Map<Schema, SpecificData> MODELS = new ConcurrentHashMap<>();

    private SpecificCoders() {}

    /**
     * The custom-coder model for the generated class of {@code schema} (or Avro's default model).
     */
    public static SpecificData forSchema(Schema schema) {
        return MODELS.computeIfAbsent(
                schema,
                s -> {
                    SpecificData generated = SpecificData.getForSchema(s);
                    SpecificData model = new SpecificData(generated.getClassLoader());
                    generated.getConversions().forEach(model::addLogicalTypeConversion);
                    model.setCustomCoders(true);
                    model.setFastReaderEnabled(false);
                    return model;
                });
    }
}
