package io.ctstream.enforcement.nft;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NftStateParserTest {

    /** Output of nft 1.0.6 `nft -j list table inet ctstream` (protocol names, as without -n). */
    static final String LISTING =
            """
            {"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}},
             {"table": {"family": "inet", "name": "ctstream", "handle": 1}},
             {"set": {"family": "inet", "name": "allow4", "table": "ctstream", "type": ["ipv4_addr", "ipv4_addr", "inet_proto", "inet_service"],
               "handle": 3, "flags": ["interval", "timeout"], "elem": [
                 {"elem": {"val": {"concat": [{"prefix": {"addr": "10.0.0.0", "len": 24}}, "10.0.0.3", "tcp", 2000]}, "timeout": 60, "expires": 59}},
                 {"elem": {"val": {"concat": ["10.0.0.1", "10.0.0.2", 17, 2000]}, "timeout": 120, "expires": 119}}]}},
             {"set": {"family": "inet", "name": "allow6_anysrc", "table": "ctstream", "type": ["ipv6_addr", "inet_proto", "inet_service"],
               "handle": 4, "flags": ["timeout"], "elem": [{"elem": {"val": {"concat": ["2001:db8::2", 6, 5000]}, "timeout": 30, "expires": 12}}]}},
             {"set": {"family": "inet", "name": "block4", "table": "ctstream", "type": ["ipv4_addr", "ipv4_addr", "inet_proto", "inet_service"],
               "handle": 5, "flags": ["interval", "timeout"], "elem": [
                 {"elem": {"val": {"concat": [{"prefix": {"addr": "10.0.0.0", "len": 8}}, "10.0.0.2", 6, {"range": [0, 65535]}]}, "timeout": 1, "expires": 1}}]}},
             {"set": {"family": "inet", "name": "block6_src", "table": "ctstream", "type": "ipv6_addr", "handle": 2, "flags": ["interval", "timeout"],
               "elem": [{"elem": {"val": "2001:db8::1", "timeout": 60, "expires": 59}},
                        {"elem": {"val": {"prefix": {"addr": "2001:db9::", "len": 32}}, "timeout": 3600, "expires": 3599}}]}},
             {"set": {"family": "inet", "name": "block4_src", "table": "ctstream", "type": "ipv4_addr", "handle": 6, "flags": ["interval", "timeout"]}},
             {"set": {"family": "inet", "name": "operators_own", "table": "ctstream", "type": "ipv4_addr", "handle": 7,
               "elem": ["192.0.2.1"]}},
             {"chain": {"family": "inet", "table": "ctstream", "name": "verdicts", "handle": 1}}]}
            """;

    @Test
    void readsEveryElementInTheCanonicalForm() throws Exception {
        NftState s = NftStateParser.parse(LISTING);
        assertThat(s.expiresSeconds())
                .containsOnlyKeys(
                        new NftElement(NftSet.ALLOW4, "10.0.0.0/24 . 10.0.0.3 . 6 . 2000"),
                        new NftElement(NftSet.ALLOW4, "10.0.0.1 . 10.0.0.2 . 17 . 2000"),
                        new NftElement(NftSet.ALLOW6_ANYSRC, "2001:db8:0:0:0:0:0:2 . 6 . 5000"),
                        new NftElement(NftSet.BLOCK4, "10.0.0.0/8 . 10.0.0.2 . 6 . 0-65535"),
                        new NftElement(NftSet.BLOCK6_SRC, "2001:db8:0:0:0:0:0:1"),
                        new NftElement(NftSet.BLOCK6_SRC, "2001:db9:0:0:0:0:0:0/32"));
        assertThat(
                        s.expiresSeconds()
                                .get(
                                        new NftElement(
                                                NftSet.ALLOW6_ANYSRC,
                                                "2001:db8:0:0:0:0:0:2 . 6 . 5000")))
                .isEqualTo(12L);
    }

    @Test
    void elementsFromVerdictsAndFromNftCompareEqual() throws Exception {
        NftState s = NftStateParser.parse(LISTING);
        assertThat(
                        s.contains(
                                VerdictElements.of(
                                                io.ctstream.avro.VerdictAction.ALLOW,
                                                io.ctstream.enforcement.TestVerdicts.match(
                                                        null, -1, "2001:db8::2", 6, 5000))
                                        .get(0)))
                .isTrue();
        assertThat(
                        s.contains(
                                VerdictElements.of(
                                                io.ctstream.avro.VerdictAction.BLOCK,
                                                io.ctstream.enforcement.TestVerdicts.match(
                                                        "10.1.2.3", 8, "10.0.0.2", 6, 0))
                                        .get(0)))
                .isTrue();
    }

    @Test
    void aValueThatIsNoAddressLiteralIsAnErrorNeverAHostNameLookup() {
        for (String name : java.util.List.of("add", "beef", "999.1.1.1", "localhost")) {
            String json =
                    "{\"nftables\": [{\"set\": {\"name\": \"block4_src\", \"elem\": [\""
                            + name
                            + "\"]}}]}";
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> NftStateParser.parse(json))
                    .as(name)
                    .isInstanceOf(NftException.class)
                    .hasMessageContaining(name);
        }
    }

    @Test
    void emptyAndBrokenInput() throws Exception {
        assertThat(NftStateParser.parse(null).expiresSeconds()).isEmpty();
        assertThat(NftStateParser.parse("{\"nftables\": []}").expiresSeconds()).isEmpty();
        assertThatThrownBy(() -> NftStateParser.parse("{not json"))
                .isInstanceOf(NftException.class)
                .hasMessageContaining("does not parse");
        assertThatThrownBy(
                        () ->
                                NftStateParser.parse(
                                        """
                {"nftables": [{"set": {"name": "block4_src", "elem": ["example.com"]}}]}"""))
                .isInstanceOf(NftException.class)
                .hasMessageContaining("example.com");
    }
}
