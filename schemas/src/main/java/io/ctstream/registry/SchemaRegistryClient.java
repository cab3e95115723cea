package io.ctstream.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A client for the Confluent Schema Registry REST API (Avro schemas only), on the JDK's HTTP
 * client.
 *
 * <p>The base URL is used exactly as configured, so the same client talks to Confluent Schema
 * Registry at its root and to Apicurio Registry's compatibility API at {@code /apis/ccompat/v7}.
 *
 * <p>Registrations, lookups and schemas by id are cached in both directions (schema to id per
 * subject, id to schema): a serializer asks the registry once per subject and schema, a
 * deserializer once per id. Other calls (latest version, subjects, compatibility, config) always
 * ask the registry, since their answers change. Instances are thread-safe and meant to be shared
 * (one per application).
 *
 * <p>A {@code mock://SCOPE} URL (Confluent's convention) selects a registry inside this JVM ({@link
 * InProcessRegistry}): registration, lookup, schemas by id and the subject list work without a
 * server; the other calls are for a real one.
 */
public final class SchemaRegistryClient {
    /** The Confluent Schema Registry media type, sent as the request body's content type. */
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private static final String ACCEPT =
            "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Confluent's error code for GET /config/{subject} when the subject has no config of its own.
     */
    private static final int SUBJECT_CONFIG_NOT_FOUND = 40408;

    private static final int MAX_BODY_IN_MESSAGE = 300;
    private static final String WRONG_BASE_URL_HINT =
            " (is the base URL right? Confluent's is the server root, Apicurio's ends in /apis/ccompat/v7)";

    private final SchemaRegistryClientConfig config;
    private final String base;
    private final HttpClient http;

    /** The {@code Authorization} header's value, or null. */
    private final String authorization;

    /**
     * The registry of a {@code mock://SCOPE} URL, inside this JVM; null for a real (HTTP) registry.
     */
    private final InProcessRegistry inProcess;

    /** subject → (schema JSON → id). */
    private final Map<String, Map<String, Integer>> idsBySubject = new ConcurrentHashMap<>();

    /** subject → lock serialising this client's registrations under it. */
    private final Map<String, Object> subjectLocks = new ConcurrentHashMap<>();

    /** id → schema. */
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    public SchemaRegistryClient(SchemaRegistryClientConfig config) {
        this.config = config;
        String url = config.baseUrl().toString();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        this.base = url;
        this.inProcess =
                InProcessRegistry.SCHEME.equalsIgnoreCase(config.baseUrl().getScheme())
                        ? InProcessRegistry.scope(
                                config.baseUrl().getSchemeSpecificPart().replaceFirst("^//", ""))
                        : null;
        if (inProcess != null) {
            // no HTTP client for an in-process registry: building one sets up TLS, a good part of a
            // second at start
            this.http = null;
        } else {
            HttpClient.Builder http =
                    HttpClient.newBuilder()
                            .version(HttpClient.Version.HTTP_1_1)
                            .connectTimeout(config.connectTimeout())
                            .followRedirects(HttpClient.Redirect.NEVER);
            if (config.sslContext() != null) {
                http.sslContext(config.sslContext());
            }
            this.http = http.build();
        }
        // sent with every request, as Confluent's client does: no 401 round trip first
        this.authorization =
                config.userInfo() == null
                        ? null
                        : "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                config.userInfo().getBytes(StandardCharsets.UTF_8));
    }

    /** A client for {@code baseUrl} with the default timeouts. */
    public static SchemaRegistryClient create(String baseUrl) {
        return new SchemaRegistryClient(SchemaRegistryClientConfig.of(baseUrl));
    }

    /** The base URL every request path is appended to (without trailing slash). */
    public String baseUrl() {
        return base;
    }

    public SchemaRegistryClientConfig config() {
        return config;
    }

    /**
     * Registers {@code schema} under {@code subject} (POST /subjects/{subject}/versions) and
     * returns its id. The registry answers with the existing id when the schema is already
     * registered; the answer is cached.
     *
     * @throws SchemaRegistryException for example 409 when the schema breaks the subject's
     *     compatibility rule
     */
    public int register(String subject, Schema schema) {
        String text = schema.toString();
        Integer cached = cachedId(subject, text);
        if (cached != null) {
            return cached;
        }
        // one registration per subject at a time from this client: Apicurio answers 409 to the
        // losers of
        // concurrent first registrations of a subject
        synchronized (subjectLocks.computeIfAbsent(subject, s -> new Object())) {
            cached = cachedId(subject, text);
            if (cached != null) {
                return cached;
            }
            if (inProcess != null) {
                int id = inProcess.register(subject, schema);
                remember(subject, text, id, schema);
                return id;
            }
            JsonNode answer;
            try {
                answer =
                        send(
                                "POST",
                                "/subjects/" + segment(subject) + "/versions",
                                schemaBody(text));
            } catch (SchemaRegistryException e) {
                if (e.httpStatus() != 409) {
                    throw e;
                }
                // another client may have created the subject with this schema at the same moment;
                // if so, the
                // schema is registered and the lookup says under which id, otherwise the 409 stands
                return registeredMeanwhile(subject, schema).orElseThrow(() -> e);
            }
            int id = requiredInt(answer, "id", "register under subject '" + subject + "'");
            remember(subject, text, id, schema);
            return id;
        }
    }

    private Optional<Integer> registeredMeanwhile(String subject, Schema schema) {
        try {
            return Optional.of(lookup(subject, schema).id());
        } catch (SchemaRegistryException e) {
            return Optional.empty();
        }
    }

    /**
     * Looks {@code schema} up under {@code subject} (POST /subjects/{subject}) without registering
     * it.
     *
     * @throws SchemaRegistryException 40401 if the subject does not exist, 40403 if the schema is
     *     not registered under it
     */
    public RegisteredSchema lookup(String subject, Schema schema) {
        String text = schema.toString();
        if (inProcess != null) {
            int id = inProcess.lookup(subject, schema);
            remember(subject, text, id, schema);
            return new RegisteredSchema(subject, id, 1, schema);
        }
        JsonNode answer = send("POST", "/subjects/" + segment(subject), schemaBody(text));
        String what = "lookup under subject '" + subject + "'";
        int id = requiredInt(answer, "id", what);
        int version = requiredInt(answer, "version", what);
        remember(subject, text, id, schema);
        return new RegisteredSchema(subject, id, version, schema);
    }

    /**
     * The id of {@code schema} under {@code subject}, from the cache or by {@link #lookup}; never
     * registers.
     */
    public int lookupId(String subject, Schema schema) {
        Integer cached = cachedId(subject, schema.toString());
        return cached != null ? cached : lookup(subject, schema).id();
    }

    /**
     * The schema with this id (GET /schemas/ids/{id}), cached.
     *
     * @throws SchemaRegistryException 40403 if there is no schema with this id
     */
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        if (inProcess != null) {
            return inProcess.byId(id);
        }
        JsonNode answer = send("GET", "/schemas/ids/" + id, null);
        Schema schema = parseSchema(answer, "schema id " + id);
        Schema raced = schemasById.putIfAbsent(id, schema);
        return raced != null ? raced : schema;
    }

    /** The latest version under {@code subject} (GET /subjects/{subject}/versions/latest). */
    public RegisteredSchema latest(String subject) {
        JsonNode answer = send("GET", "/subjects/" + segment(subject) + "/versions/latest", null);
        String what = "latest version of subject '" + subject + "'";
        int id = requiredInt(answer, "id", what);
        int version = requiredInt(answer, "version", what);
        Schema schema = parseSchema(answer, what);
        schemasById.putIfAbsent(id, schema);
        return new RegisteredSchema(subject, id, version, schema);
    }

    /** Every subject (GET /subjects). */
    public List<String> subjects() {
        if (inProcess != null) {
            return inProcess.subjects();
        }
        JsonNode answer = send("GET", "/subjects", null);
        if (!answer.isArray()) {
            throw malformed("GET /subjects", "a JSON array", answer);
        }
        List<String> subjects = new ArrayList<>(answer.size());
        answer.forEach(node -> subjects.add(node.asText()));
        return subjects;
    }

    /**
     * Asks whether {@code schema} may be registered as the next version of {@code subject} under
     * the subject's compatibility rule (POST
     * /compatibility/subjects/{subject}/versions/latest?verbose=true).
     */
    public CompatibilityResult testCompatibility(String subject, Schema schema) {
        JsonNode answer =
                send(
                        "POST",
                        "/compatibility/subjects/"
                                + segment(subject)
                                + "/versions/latest?verbose=true",
                        schemaBody(schema.toString()));
        JsonNode compatible = answer.get("is_compatible");
        if (compatible == null || !compatible.isBoolean()) {
            throw malformed(
                    "compatibility check of subject '" + subject + "'",
                    "a boolean is_compatible",
                    answer);
        }
        List<String> messages = new ArrayList<>();
        JsonNode confluentMessages = answer.get("messages");
        if (confluentMessages != null && confluentMessages.isArray()) {
            confluentMessages.forEach(m -> messages.add(m.asText()));
        }
        JsonNode apicurioReason = answer.get("reason");
        if (apicurioReason != null && !apicurioReason.isNull()) {
            messages.add(apicurioReason.asText());
        }
        return new CompatibilityResult(compatible.booleanValue(), messages);
    }

    /** The registry-wide compatibility level (GET /config). */
    public CompatibilityLevel globalCompatibility() {
        return compatibilityOf(send("GET", "/config", null), "global config");
    }

    /** Sets the registry-wide compatibility level (PUT /config). */
    public void setGlobalCompatibility(CompatibilityLevel level) {
        send("PUT", "/config", compatibilityBody(level));
    }

    /**
     * The subject's own compatibility level (GET /config/{subject}); empty when the subject has
     * none and the registry says so (Confluent's 40408). Apicurio answers with the global level
     * instead.
     */
    public Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        try {
            return Optional.of(
                    compatibilityOf(
                            send("GET", "/config/" + segment(subject), null),
                            "config of subject '" + subject + "'"));
        } catch (SchemaRegistryException e) {
            if (e.errorCode() == SUBJECT_CONFIG_NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Sets the subject's own compatibility level (PUT /config/{subject}). */
    public void setSubjectCompatibility(String subject, CompatibilityLevel level) {
        send("PUT", "/config/" + segment(subject), compatibilityBody(level));
    }

    // ---------------------------------------------------------------------------------------------- internals

    private Integer cachedId(String subject, String schemaText) {
        Map<String, Integer> ids = idsBySubject.get(subject);
        return ids == null ? null : ids.get(schemaText);
    }

    private void remember(String subject, String schemaText, int id, Schema schema) {
        idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schemaText, id);
        schemasById.putIfAbsent(id, schema);
    }

    private static ObjectNode schemaBody(String schemaText) {
        ObjectNode body = JSON.createObjectNode();
        body.put("schema", schemaText);
        return body;
    }

    private static ObjectNode compatibilityBody(CompatibilityLevel level) {
        ObjectNode body = JSON.createObjectNode();
        body.put("compatibility", level.name());
        return body;
    }

    private CompatibilityLevel compatibilityOf(JsonNode answer, String what) {
        // GET answers say compatibilityLevel; some registries and versions say compatibility
        JsonNode level =
                answer.has("compatibilityLevel")
                        ? answer.get("compatibilityLevel")
                        : answer.get("compatibility");
        if (level == null || !level.isTextual()) {
            throw malformed(what, "a compatibilityLevel", answer);
        }
        try {
            return CompatibilityLevel.valueOf(level.asText());
        } catch (IllegalArgumentException e) {
            throw malformed(what, "a known compatibility level", answer);
        }
    }

    private Schema parseSchema(JsonNode answer, String what) {
        JsonNode type = answer.get("schemaType");
        if (type != null && !type.isNull() && !"AVRO".equals(type.asText())) {
            throw new SchemaRegistryException(
                    what + " is a " + type.asText() + " schema, not Avro", 200, 200, null, null);
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw malformed(what, "a schema string", answer);
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(
                    "the registry's text of "
                            + what
                            + " is not a valid Avro schema: "
                            + e.getMessage(),
                    200,
                    200,
                    null,
                    e);
        }
    }

    private int requiredInt(JsonNode answer, String field, String what) {
        JsonNode value = answer.get(field);
        if (value == null || !value.canConvertToInt()) {
            throw malformed(what, "an integer " + field, answer);
        }
        return value.intValue();
    }

    private SchemaRegistryException malformed(String what, String expected, JsonNode answer) {
        return new SchemaRegistryException(
                "unexpected answer from schema registry at "
                        + base
                        + " to "
                        + what
                        + ": expected "
                        + expected
                        + ", got "
                        + abbreviate(answer.toString()),
                200,
                200,
                null,
                null);
    }

    /**
     * URL path segment encoding (a subject may hold any character; topic names use only safe ones).
     */
    private static String segment(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode send(String method, String pathAndQuery, JsonNode body) {
        URI uri = URI.create(base + pathAndQuery);
        if (http == null) {
            throw new SchemaRegistryException(
                    "the in-process registry "
                            + base
                            + " does not answer "
                            + method
                            + " "
                            + pathAndQuery
                            + " (only registration, lookup, schemas by id and subjects)",
                    SchemaRegistryException.NO_RESPONSE,
                    SchemaRegistryException.NO_RESPONSE,
                    null,
                    null);
        }
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri)
                        .timeout(config.requestTimeout())
                        .header("Accept", ACCEPT);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", CONTENT_TYPE)
                    .method(
                            method,
                            HttpRequest.BodyPublishers.ofString(
                                    body.toString(), StandardCharsets.UTF_8));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response;
        try {
            response =
                    http.send(
                            request.build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException e) {
            throw noAnswer(
                    method,
                    uri,
                    "could not connect within " + config.connectTimeout().toMillis() + " ms",
                    e);
        } catch (HttpTimeoutException e) {
            throw noAnswer(
                    method,
                    uri,
                    "no answer within " + config.requestTimeout().toMillis() + " ms",
                    e);
        } catch (ConnectException e) {
            throw noAnswer(method, uri, "cannot connect (" + describe(e) + ")", e);
        } catch (IOException e) {
            throw noAnswer(method, uri, "I/O error (" + describe(e) + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw noAnswer(method, uri, "interrupted while waiting for the answer", e);
        }
        return answerOf(method, uri, response);
    }

    private JsonNode answerOf(String method, URI uri, HttpResponse<String> response) {
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.body();
        JsonNode json = null;
        if (!text.isBlank()) {
            try {
                json = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                json = null;
            }
        }
        if (status >= 200 && status < 300) {
            if (json == null) {
                if (text.isBlank()) {
                    return JSON.createObjectNode();
                }
                throw new SchemaRegistryException(
                        method
                                + " "
                                + uri
                                + ": HTTP "
                                + status
                                + " with a body that is not JSON: "
                                + abbreviate(text),
                        status,
                        status,
                        abbreviate(text),
                        null);
            }
            return json;
        }
        JsonNode code = json == null ? null : json.get("error_code");
        if (code != null && code.canConvertToInt()) {
            JsonNode message = json.get("message");
            String registryMessage = message == null || message.isNull() ? "" : message.asText();
            // a bare 404 (not one of the registry's 404xx codes) is a path the server does not
            // serve
            String hint = status == 404 && code.intValue() < 40400 ? WRONG_BASE_URL_HINT : "";
            throw new SchemaRegistryException(
                    method
                            + " "
                            + uri
                            + ": registry error "
                            + code.intValue()
                            + " (HTTP "
                            + status
                            + "): "
                            + registryMessage
                            + hint,
                    status,
                    code.intValue(),
                    registryMessage,
                    null);
        }
        // not a registry error document: most often a wrong base URL (a path the server does not
        // serve)
        throw new SchemaRegistryException(
                method
                        + " "
                        + uri
                        + ": HTTP "
                        + status
                        + " without a registry error document"
                        + WRONG_BASE_URL_HINT
                        + ": "
                        + abbreviate(text),
                status,
                status,
                abbreviate(text),
                null);
    }

    private SchemaRegistryException noAnswer(String method, URI uri, String why, Throwable cause) {
        return new SchemaRegistryException(
                "schema registry at " + base + " unreachable: " + method + " " + uri + ": " + why,
                SchemaRegistryException.NO_RESPONSE,
                SchemaRegistryException.NO_RESPONSE,
                null,
                cause);
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ").trim();
        return oneLine.length() <= MAX_BODY_IN_MESSAGE
                ? oneLine
                : oneLine.substring(0, MAX_BODY_IN_MESSAGE) + "...";
    }

    @Override
    public String toString() {
        return "SchemaRegistryClient[" + base + "]";
    }
}
