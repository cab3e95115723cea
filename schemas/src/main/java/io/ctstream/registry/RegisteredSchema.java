package io.ctstream.registry;

import org.apache.avro.Schema;

/**
 * A schema as registered under a subject.
 *
 * @param subject the subject
 * @param id the registry's global schema id (what the wire format carries); never assume ids are
 *     dense
 * @param version the version of the schema under the subject
 * @param schema the parsed Avro schema
 */
public record RegisteredSchema(String subject, int id, int version, Schema schema) {}
