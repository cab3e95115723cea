package io.ctstream.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code ctstream query connections --format table}: the query API's connections (here from a
 * stand-in server answering what streams-app answers) as {@code conntrack -L} lines.
 */
class QueryTableTest {
    /** Two connections as GET /connections returns them (JsonViews.connection). */
    private static final String CONNECTIONS =
            """
            [{"id":"b3471999cdea887b","orig":{"proto":"tcp","l3":"ipv4","src":"10.77.1.2","sport":45898,"dst":"10.77.2.2","dport":21},
              "reply":{"proto":"tcp","l3":"ipv4","src":"10.77.2.2","sport":21,"dst":"10.77.1.2","dport":45898},
              "ct_state":"ESTABLISHED","tcp_state":"ESTABLISHED","status":["SEEN_REPLY","ASSURED"],
              "orig_packets":18,"orig_bytes":1053,"reply_packets":19,"reply_bytes":1486,
              "first_seen":1795314785.866701,"last_seen":1795314785.938783,"timeout_at":1795746785.938783,
              "history":"ShAdDa","sensors":["gw"],"helper":"ftp","master":null,"destroyed":false},
             {"id":"0a1b2c3d4e5f6071","orig":{"proto":"udp","l3":"ipv4","src":"10.77.1.2","sport":5353,"dst":"10.77.2.53","dport":53},
              "reply":{"proto":"udp","l3":"ipv4","src":"10.77.2.53","sport":53,"dst":"10.77.1.2","dport":5353},
              "ct_state":"NEW","tcp_state":"NONE","status":[],
              "orig_packets":1,"orig_bytes":60,"reply_packets":0,"reply_bytes":0,
              "first_seen":1795314785.900000,"last_seen":1795314785.900000,"timeout_at":1795314815.900000,
              "history":"D","sensors":["gw"],"helper":null,"master":null}]
            """;

    private HttpServer server;
    private String url;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/connections",
                exchange -> {
                    byte[] body = CONNECTIONS.getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
        server.start();
        url = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void connectionsAsConntrackListsThem() {
        UserErrorsTest.Run r =
                UserErrorsTest.run("query", "connections", "--url", url, "--format", "table");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines().toList())
                .containsExactly(
                        "tcp      6 432000 ESTABLISHED src=10.77.1.2 dst=10.77.2.2 sport=45898 dport=21 packets=18 bytes=1053 "
                                + "src=10.77.2.2 dst=10.77.1.2 sport=21 dport=45898 packets=19 bytes=1486 [ASSURED] helper=ftp",
                        "udp      17 29 src=10.77.1.2 dst=10.77.2.53 sport=5353 dport=53 packets=1 bytes=60 [UNREPLIED] "
                                + "src=10.77.2.53 dst=10.77.1.2 sport=53 dport=5353 packets=0 bytes=0");
    }

    @Test
    void tableIsForConnectionQueriesOnly() {
        UserErrorsTest.Run r =
                UserErrorsTest.run("query", "counts", "--url", url, "--format", "table");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.stderr()).contains("--format table");
    }
}
