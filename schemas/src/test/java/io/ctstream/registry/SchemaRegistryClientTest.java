package io.ctstream.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SchemaRegistryClient} alone, against a scripted HTTP server: paths, headers, parsing,
 * errors, caching.
 */
class SchemaRegistryClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE_PATH = "/apis/ccompat/v7";
    private static final Schema SCHEMA =
            SchemaBuilder.record("R").namespace("t").fields().requiredInt("a").endRecord();

    private StubRegistryServer server;
    private SchemaRegistryClient client;

    @BeforeEach
    void start() throws IOException {
        server = new StubRegistryServer();
        client =
                new SchemaRegistryClient(
                        SchemaRegistryClientConfig.of(server.url() + BASE_PATH).toBuilder()
                                .connectTimeout(Duration.ofSeconds(5))
                                .requestTimeout(Duration.ofSeconds(5))
                                .build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static String schemaAnswer(Schema schema) throws IOException {
        return JSON.writeValueAsString(java.util.Map.of("schema", schema.toString()));
    }

    @Test
    void registerPostsTheSchemaUnderTheBasePathWithTheRegistryMediaType() throws IOException {
        server.answer("POST", BASE_PATH + "/subjects/packets-value/versions", 200, "{\"id\":17}");

        assertThat(client.register("packets-value", SCHEMA)).isEqualTo(17);

        StubRegistryServer.Request request = server.requests().get(0);
        assertThat(request.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
        assertThat(request.accept()).startsWith("application/vnd.schemaregistry.v1+json");
        assertThat(JSON.readTree(request.body()).get("schema").asText())
                .isEqualTo(SCHEMA.toString());
    }

    @Test
    void baseUrlAtTheServerRootWorksAndATrailingSlashIsNotDoubled() {
        server.answer("GET", "/subjects", 200, "[\"a-value\",\"b-key\"]");
        SchemaRegistryClient atRoot = SchemaRegistryClient.create(server.url() + "/");
        assertThat(atRoot.subjects()).containsExactly("a-value", "b-key");
        assertThat(server.requests())
                .extracting(StubRegistryServer.Request::pathAndQuery)
                .containsExactly("/subjects");
    }

    @Test
    void registrationsAreCachedBothWays() {
        server.answer("POST", BASE_PATH + "/subjects/s-value/versions", 200, "{\"id\":5}");

        assertThat(client.register("s-value", SCHEMA)).isEqualTo(5);
        assertThat(client.register("s-value", SCHEMA)).isEqualTo(5);
        assertThat(client.lookupId("s-value", SCHEMA)).isEqualTo(5);
        assertThat(client.schemaById(5)).isEqualTo(SCHEMA);

        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void theSameSchemaUnderAnotherSubjectIsAskedAgain() {
        server.answer("POST", BASE_PATH + "/subjects/a-value/versions", 200, "{\"id\":5}");
        server.answer("POST", BASE_PATH + "/subjects/b-value/versions", 200, "{\"id\":6}");
        assertThat(client.register("a-value", SCHEMA)).isEqualTo(5);
        assertThat(client.register("b-value", SCHEMA)).isEqualTo(6);
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void schemaByIdIsFetchedOnceAndParsed() throws IOException {
        server.answer("GET", BASE_PATH + "/schemas/ids/42", 200, schemaAnswer(SCHEMA));
        assertThat(client.schemaById(42)).isEqualTo(SCHEMA);
        assertThat(client.schemaById(42)).isEqualTo(SCHEMA);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void concurrentCallersGetTheSameSchema() throws Exception {
        server.answer("GET", BASE_PATH + "/schemas/ids/42", 200, schemaAnswer(SCHEMA));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Schema>> results = new java.util.ArrayList<>();
            for (int i = 0; i < 32; i++) {
                results.add(pool.submit(() -> client.schemaById(42)));
            }
            for (Future<Schema> result : results) {
                assertThat(result.get()).isEqualTo(SCHEMA);
            }
        } finally {
            pool.shutdownNow();
        }
        // racing first callers may each ask once, but never more than there are threads
        assertThat(server.requests()).hasSizeBetween(1, 8);
    }

    @Test
    void lookupReturnsIdAndVersion() throws IOException {
        server.answer(
                "POST",
                BASE_PATH + "/subjects/s-value",
                200,
                "{\"subject\":\"s-value\",\"id\":9,\"version\":3,\"schema\":"
                        + JSON.writeValueAsString(SCHEMA.toString())
                        + "}");
        RegisteredSchema found = client.lookup("s-value", SCHEMA);
        assertThat(found).isEqualTo(new RegisteredSchema("s-value", 9, 3, SCHEMA));
        assertThat(client.lookupId("s-value", SCHEMA)).isEqualTo(9);
        assertThat(server.requests()).hasSize(1);
    }

    @Test
    void latestIsNeverCached() throws IOException {
        server.answer(
                "GET",
                BASE_PATH + "/subjects/s-value/versions/latest",
                200,
                "{\"subject\":\"s-value\",\"id\":9,\"version\":3,\"schema\":"
                        + JSON.writeValueAsString(SCHEMA.toString())
                        + "}");
        assertThat(client.latest("s-value").version()).isEqualTo(3);
        assertThat(client.latest("s-value").id()).isEqualTo(9);
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void registryErrorsCarryStatusCodeAndMessage() {
        server.answer(
                "GET",
                BASE_PATH + "/subjects/nope/versions/latest",
                404,
                "{\"error_code\":40401,\"message\":\"Subject 'nope' not found.\"}");
        assertThatThrownBy(() -> client.latest("nope"))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(404);
                            assertThat(e.errorCode())
                                    .isEqualTo(SchemaRegistryException.SUBJECT_NOT_FOUND);
                            assertThat(e.registryMessage()).isEqualTo("Subject 'nope' not found.");
                            assertThat(e.isNotFound()).isTrue();
                        })
                .hasMessageContaining(
                        "GET " + server.url() + BASE_PATH + "/subjects/nope/versions/latest")
                .hasMessageContaining("registry error 40401 (HTTP 404)");
    }

    @Test
    void incompatibleRegistrationIs409() {
        server.answer(
                "POST",
                BASE_PATH + "/subjects/s-value/versions",
                409,
                "{\"error_code\":409,\"message\":\"Schema being registered is incompatible with an earlier schema\"}");
        assertThatThrownBy(() -> client.register("s-value", SCHEMA))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> {
                            assertThat(e.errorCode())
                                    .isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                            assertThat(e.isNotFound()).isFalse();
                        });
        // a failure is not cached: the next call asks again
        assertThatThrownBy(() -> client.register("s-value", SCHEMA))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(409));
        // each attempt: the registration, then the lookup that checks whether a concurrent one won
        assertThat(server.requests())
                .extracting(StubRegistryServer.Request::method)
                .containsExactly("POST", "POST", "POST", "POST");
    }

    @Test
    void aConflictFromAConcurrentFirstRegistrationResolvesByLookup() throws IOException {
        // Apicurio answers 409 "artifact already exists" to the loser of two simultaneous first
        // registrations
        server.answer(
                "POST",
                BASE_PATH + "/subjects/s-value/versions",
                409,
                "{\"error_code\":409,\"message\":\"An artifact with ID 's-value' in group 'null' already exists.\"}");
        server.answer(
                "POST",
                BASE_PATH + "/subjects/s-value",
                200,
                "{\"subject\":\"s-value\",\"id\":12,\"version\":1,\"schema\":"
                        + JSON.writeValueAsString(SCHEMA.toString())
                        + "}");
        assertThat(client.register("s-value", SCHEMA)).isEqualTo(12);
        assertThat(client.register("s-value", SCHEMA)).isEqualTo(12);
        assertThat(server.requests())
                .extracting(StubRegistryServer.Request::pathAndQuery)
                .containsExactly(
                        BASE_PATH + "/subjects/s-value/versions", BASE_PATH + "/subjects/s-value");
    }

    @Test
    void anAnswerThatIsNotARegistryErrorPointsAtTheBaseUrl() {
        // base URL without /apis/ccompat/v7: the stub answers HTML 404 for every unknown path, as a
        // web server would
        SchemaRegistryClient wrongBase = SchemaRegistryClient.create(server.url());
        assertThatThrownBy(wrongBase::subjects)
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> {
                            assertThat(e.httpStatus()).isEqualTo(404);
                            assertThat(e.errorCode()).isEqualTo(404);
                        })
                .hasMessageContaining("without a registry error document")
                .hasMessageContaining("is the base URL right?")
                .hasMessageContaining("no such page");
    }

    @Test
    void refusedConnectionIsClear() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        SchemaRegistryClient nowhere = SchemaRegistryClient.create("http://127.0.0.1:" + port);
        assertThatThrownBy(() -> nowhere.schemaById(1))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> {
                            assertThat(e.httpStatus())
                                    .isEqualTo(SchemaRegistryException.NO_RESPONSE);
                            assertThat(e.errorCode())
                                    .isEqualTo(SchemaRegistryException.NO_RESPONSE);
                        })
                .hasMessageContaining(
                        "schema registry at http://127.0.0.1:" + port + " unreachable")
                .hasMessageContaining("cannot connect");
    }

    @Test
    void slowAnswerTimesOutWithTheConfiguredTimeout() {
        CountDownLatch release = new CountDownLatch(1);
        server.answerAfter("GET", BASE_PATH + "/subjects", release, "[]");
        SchemaRegistryClient impatient =
                new SchemaRegistryClient(
                        SchemaRegistryClientConfig.of(server.url() + BASE_PATH).toBuilder()
                                .connectTimeout(Duration.ofSeconds(5))
                                .requestTimeout(Duration.ofMillis(300))
                                .build());
        try {
            assertThatThrownBy(impatient::subjects)
                    .isInstanceOf(SchemaRegistryException.class)
                    .hasMessageContaining("no answer within 300 ms");
        } finally {
            release.countDown();
        }
    }

    @Test
    void compatibilityCheckReadsConfluentAndApicurioAnswers() {
        String path = BASE_PATH + "/compatibility/subjects/s-value/versions/latest?verbose=true";
        server.answer(
                "POST",
                path,
                200,
                "{\"is_compatible\":false,\"messages\":[\"READER_FIELD_MISSING_DEFAULT_VALUE b\"]}");
        assertThat(client.testCompatibility("s-value", SCHEMA))
                .isEqualTo(
                        new CompatibilityResult(
                                false, List.of("READER_FIELD_MISSING_DEFAULT_VALUE b")));

        server.answer("POST", path, 200, "{\"is_compatible\":true,\"reason\":null}");
        assertThat(client.testCompatibility("s-value", SCHEMA))
                .isEqualTo(new CompatibilityResult(true, List.of()));
    }

    @Test
    void configIsReadAndWritten() throws IOException {
        server.answer(
                "GET", BASE_PATH + "/config", 200, "{\"compatibilityLevel\":\"FULL_TRANSITIVE\"}");
        server.answer("PUT", BASE_PATH + "/config", 200, "{\"compatibility\":\"BACKWARD\"}");
        server.answer("PUT", BASE_PATH + "/config/s-value", 200, "{\"compatibility\":\"NONE\"}");
        server.answer(
                "GET", BASE_PATH + "/config/s-value", 200, "{\"compatibilityLevel\":\"NONE\"}");
        server.answer(
                "GET",
                BASE_PATH + "/config/other-value",
                404,
                "{\"error_code\":40408,\"message\":\"Subject 'other-value' does not have subject-level compatibility configured\"}");

        assertThat(client.globalCompatibility()).isEqualTo(CompatibilityLevel.FULL_TRANSITIVE);
        client.setGlobalCompatibility(CompatibilityLevel.BACKWARD);
        client.setSubjectCompatibility("s-value", CompatibilityLevel.NONE);
        assertThat(client.subjectCompatibility("s-value")).contains(CompatibilityLevel.NONE);
        assertThat(client.subjectCompatibility("other-value")).isEqualTo(Optional.empty());

        List<StubRegistryServer.Request> puts =
                server.requests().stream().filter(r -> r.method().equals("PUT")).toList();
        assertThat(puts).hasSize(2);
        assertThat(JSON.readTree(puts.get(0).body()).get("compatibility").asText())
                .isEqualTo("BACKWARD");
        assertThat(puts.get(0).contentType()).isEqualTo(SchemaRegistryClient.CONTENT_TYPE);
    }

    @Test
    void nonAvroSchemasAreRefused() {
        server.answer(
                "GET",
                BASE_PATH + "/schemas/ids/3",
                200,
                "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
        assertThatThrownBy(() -> client.schemaById(3))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("PROTOBUF schema, not Avro");
    }

    @Test
    void malformedAnswersAreReportedNotMisread() {
        server.answer("POST", BASE_PATH + "/subjects/s-value/versions", 200, "{\"ident\":5}");
        assertThatThrownBy(() -> client.register("s-value", SCHEMA))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("expected an integer id")
                .hasMessageContaining("{\"ident\":5}");
        server.answer("GET", BASE_PATH + "/schemas/ids/4", 200, "{\"schema\":\"{not avro\"}");
        assertThatThrownBy(() -> client.schemaById(4))
                .isInstanceOf(SchemaRegistryException.class)
                .hasMessageContaining("not a valid Avro schema");
    }

    @Test
    void subjectsAreEncodedAsOnePathSegment() {
        server.answer(
                "GET",
                BASE_PATH + "/subjects/a%2Fb%20c/versions/latest",
                404,
                "{\"error_code\":40401,\"message\":\"x\"}");
        assertThatThrownBy(() -> client.latest("a/b c"))
                .isInstanceOfSatisfying(
                        SchemaRegistryException.class,
                        e -> assertThat(e.errorCode()).isEqualTo(40401));
    }

    @Test
    void badBaseUrlsAreRejectedUpFront() {
        assertThatThrownBy(() -> SchemaRegistryClient.create("localhost:8081"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("http(s)://");
        assertThatThrownBy(() -> SchemaRegistryClient.create("http://h:8081/x?y=1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query");
        assertThatThrownBy(() -> SchemaRegistryClient.create("http://bad host/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a URL");
    }
}
