package io.ctstream.registry;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link SchemaRegistryClient}.
 *
 * @param baseUrl        the registry's base URL, used exactly as given (only trailing slashes are dropped):
 *                       {@code http://host:8081} for Confluent Schema Registry,
 *                       {@code http://host:8080/apis/ccompat/v7} for Apicurio
 * @param connectTimeout how long to wait for a TCP connection
 * @param requestTimeout how long to wait for each answer
 */
public record SchemaRegistryClientConfig(URI baseUrl, Duration connectTimeout, Duration requestTimeout) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public SchemaRegistryClientConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        String scheme = baseUrl.getScheme();
        boolean inProcess = InProcessRegistry.SCHEME.equalsIgnoreCase(scheme) && baseUrl.getRawSchemeSpecificPart() != null;
        if (!inProcess && (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme)) || baseUrl.getHost() == null)) {
            throw new IllegalArgumentException("schema registry URL must be http(s)://host[:port][/path] (or mock://SCOPE: "
                    + "in this JVM), got '" + baseUrl + "'");
        }
        if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            throw new IllegalArgumentException("schema registry URL must not have a query or fragment, got '" + baseUrl + "'");
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("schema registry timeouts must be positive");
        }
    }

    /** A config for {@code baseUrl} with the default timeouts. */
    public static SchemaRegistryClientConfig of(String baseUrl) {
        return new SchemaRegistryClientConfig(parseUrl(baseUrl), DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /** Parses a base URL, with a message naming the offending text. */
    public static URI parseUrl(String baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        try {
            return new URI(baseUrl.trim());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("schema registry URL is not a URL: '" + baseUrl + "' (" + e.getMessage() + ")", e);
        }
    }

    public SchemaRegistryClientConfig withTimeouts(Duration connect, Duration request) {
        return new SchemaRegistryClientConfig(baseUrl, connect, request);
    }
}
