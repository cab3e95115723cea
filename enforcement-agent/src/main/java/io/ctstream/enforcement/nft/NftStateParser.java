package io.ctstream.enforcement.nft;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code nft -j list table inet <table>} into an {@link NftState}: the elements of the sets
 * named in {@link NftSet}, keyed in the same canonical form {@link VerdictElements} writes. Sets
 * nft has but the agent does not know are ignored; an element it cannot read is an error.
 */
public final class NftStateParser {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Protocol names nft prints when not given {@code -n}. */
    private static final Map<String, Integer> PROTOCOLS =
            Map.of(
                    "icmp",
                    1,
                    "tcp",
                    6,
                    "udp",
                    17,
                    "dccp",
                    33,
                    "ipv6-icmp",
                    58,
                    "icmpv6",
                    58,
                    "sctp",
                    132,
                    "udplite",
                    136);

    private NftStateParser() {}

    public static NftState parse(String json) throws NftException {
        if (json == null || json.isBlank()) {
            return NftState.EMPTY;
        }
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (Exception e) {
            throw new NftException("nft printed JSON that does not parse: " + e.getMessage(), e);
        }
        Map<NftElement, Long> out = new LinkedHashMap<>();
        for (JsonNode item : root.path("nftables")) {
            JsonNode set = item.get("set");
            if (set == null) {
                continue;
            }
            NftSet known = NftSet.bySetName(set.path("name").asText());
            if (known == null) {
                continue;
            }
            for (JsonNode e : set.path("elem")) {
                JsonNode val = e;
                long expires = -1;
                if (e.has("elem")) { // elements with a timeout are wrapped: {"elem": {"val": ...,
                    // "timeout": s, "expires": s}}
                    JsonNode w = e.get("elem");
                    val = w.get("val");
                    expires = w.path("expires").asLong(-1);
                }
                out.put(new NftElement(known, key(val)), expires);
            }
        }
        return new NftState(out);
    }

    static String key(JsonNode val) throws NftException {
        List<String> parts = new ArrayList<>();
        if (val.has("concat")) {
            for (JsonNode p : val.get("concat")) {
                parts.add(part(p));
            }
        } else {
            parts.add(part(val));
        }
        return String.join(" . ", parts);
    }

    private static String part(JsonNode p) throws NftException {
        if (p.isInt()) {
            return Integer.toString(p.asInt());
        }
        if (p.isTextual()) {
            String t = p.asText();
            Integer proto = PROTOCOLS.get(t);
            if (proto != null) {
                return proto.toString();
            }
            return address(t);
        }
        if (p.has("prefix")) {
            JsonNode pre = p.get("prefix");
            String addr = address(pre.path("addr").asText());
            int len = pre.path("len").asInt();
            int full = addr.contains(":") ? 128 : 32;
            return len == full ? addr : addr + "/" + len;
        }
        if (p.has("range")) {
            JsonNode r = p.get("range");
            return part(r.get(0)) + "-" + part(r.get(1));
        }
        throw new NftException("unexpected element part in nft JSON: " + p);
    }

    private static String address(String literal) throws NftException {
        // never let InetAddress resolve a name: a dotted quad, or text with a colon (parsed as
        // IPv6, never looked up);
        // "add" or "beef" would otherwise be host names
        boolean v4 =
                literal.matches(
                        "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
        boolean v6 = literal.indexOf(':') >= 0 && literal.matches("[0-9a-fA-F:.]+");
        if (!v4 && !v6) {
            throw new NftException("unexpected value in nft JSON: " + literal);
        }
        try {
            return InetAddress.getByName(literal).getHostAddress();
        } catch (UnknownHostException e) {
            throw new NftException("not an address in nft JSON: " + literal, e);
        }
    }
}
