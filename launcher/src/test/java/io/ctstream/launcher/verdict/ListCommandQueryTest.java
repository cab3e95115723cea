package io.ctstream.launcher.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.ctstream.launcher.CtstreamCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verdict list --query-url}: the rules in force from a query API answering as streams-app's
 * {@code GET /gateways/{id}/rules} does (GatewayRulesQueryTest in streams-app runs the real one),
 * printed as the Kafka path prints them; the token is sent, and the API's errors are one line.
 */
class ListCommandQueryTest {
    static final String BODY =
            """
            {"gateway":"gw1","rules":[{"origin":"operator","action":"BLOCK","match":"tcp 203.0.113.9 -> * port *",\
            "element":"block4_src { 203.0.113.9 }","verdict_id":"op-1","key_id":"op-alice","reason":"ssh scan",\
            "since":"2026-12-05T12:00:00Z","until":"2026-12-05T13:00:00Z","since_micros":1796472000000000,\
            "until_micros":1796475600000000}]}""";
    HttpServer server;
    final List<String> seen = new ArrayList<>();
    @TempDir Path dir;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/",
                exchange -> {
                    seen.add(
                            exchange.getRequestURI().getRawPath()
                                    + " "
                                    + exchange.getRequestHeaders().getFirst("Authorization"));
                    boolean known =
                            exchange.getRequestURI().getRawPath().equals("/gateways/gw1/rules");
                    byte[] body =
                            (known
                                            ? BODY
                                            : "{\"error\":\"gateway id: letters, digits\",\"status\":400}")
                                    .getBytes(StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(known ? 200 : 400, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    String[] run(String... args) {
        picocli.CommandLine cl = CtstreamCommand.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void listsTheRulesTheQueryApiReturnsWithTheToken() throws Exception {
        Path token = dir.resolve("token");
        Files.writeString(token, "0123456789abcdef0123");
        Files.setPosixFilePermissions(
                token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        String[] r =
                run(
                        "verdict",
                        "list",
                        "--gateway",
                        "gw1",
                        "--query-url",
                        url,
                        "--query-token-file",
                        token.toString());
        assertThat(r[0]).as(r[2]).isEqualTo("0");
        assertThat(r[1])
                .contains("operator BLOCK  tcp 203.0.113.9 -> * port *")
                .contains("op-alice")
                .contains("2026-12-05T12:00:00Z")
                .contains("ssh scan")
                .contains("1 rule(s) in force");
        assertThat(seen).containsExactly("/gateways/gw1/rules Bearer 0123456789abcdef0123");
    }

    @Test
    void anErrorOfTheApiIsOneLine() {
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        String[] r = run("verdict", "list", "--gateway", "gw 2", "--query-url", url);
        assertThat(r[0]).isEqualTo("1");
        assertThat(r[2].strip())
                .contains("answered 400: gateway id: letters, digits")
                .doesNotContain("\tat ");
        String[] down =
                run("verdict", "list", "--gateway", "gw1", "--query-url", "http://127.0.0.1:1");
        assertThat(down[0]).isEqualTo("4");
        assertThat(down[2]).contains("no streams-app query API at http://127.0.0.1:1");
    }
}
