package io.ctstream.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * Settings of a {@link SchemaRegistryClient}.
 *
 * @param baseUrl the registry's base URL, used exactly as given (only trailing slashes are
 *     dropped): {@code http://host:8081} for Confluent Schema Registry, {@code
 *     http://host:8080/apis/ccompat/v7} for Apicurio
 * @param connectTimeout how long to wait for a TCP connection
 * @param requestTimeout how long to wait for each answer
 * @param userInfo {@code user:password} sent as HTTP basic authentication on every request, or null
 * @param sslContext the TLS context for an {@code https} registry (trust store, client key for
 *     mTLS), or null for the JVM's default
 */
public record SchemaRegistryClientConfig(
        URI baseUrl,
        Duration connectTimeout,
        Duration requestTimeout,
        String userInfo,
        SSLContext sslContext) {
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public SchemaRegistryClientConfig {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        String scheme = baseUrl.getScheme();
        boolean inProcess =
                InProcessRegistry.SCHEME.equalsIgnoreCase(scheme)
                        && baseUrl.getRawSchemeSpecificPart() != null;
        if (!inProcess
                && (!("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
                        || baseUrl.getHost() == null)) {
            throw new IllegalArgumentException(
                    "schema registry URL must be http(s)://host[:port][/path] (or mock://SCOPE: "
                            + "in this JVM), got '"
                            + baseUrl
                            + "'");
        }
        if (baseUrl.getRawQuery() != null || baseUrl.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "schema registry URL must not have a query or fragment, got '" + baseUrl + "'");
        }
        if (connectTimeout.isNegative()
                || connectTimeout.isZero()
                || requestTimeout.isNegative()
                || requestTimeout.isZero()) {
            throw new IllegalArgumentException("schema registry timeouts must be positive");
        }
        if (userInfo != null && userInfo.indexOf(':') < 0) {
            throw new IllegalArgumentException(
                    "schema registry basic auth user info must be user:password");
        }
    }

    /** No authentication, the JVM's default TLS. */
    public SchemaRegistryClientConfig(
            URI baseUrl, Duration connectTimeout, Duration requestTimeout) {
        this(baseUrl, connectTimeout, requestTimeout, null, null);
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "SchemaRegistryClientConfig[baseUrl="
                + baseUrl
                + ", connectTimeout="
                + connectTimeout
                + ", requestTimeout="
                + requestTimeout
                + ", basicAuth="
                + (userInfo == null
                        ? "none"
                        : userInfo.substring(0, userInfo.indexOf(':')) + ":***")
                + ", tls="
                + (sslContext == null ? "default" : "configured")
                + "]";
    }

    /** A config for {@code baseUrl} with the default timeouts. */
    public static SchemaRegistryClientConfig of(String baseUrl) {
        return new SchemaRegistryClientConfig(
                parseUrl(baseUrl), DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
    }

    /** Parses a base URL, with a message naming the offending text. */
    public static URI parseUrl(String baseUrl) {
        Objects.requireNonNull(baseUrl, "baseUrl");
        try {
            return new URI(baseUrl.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "schema registry URL is not a URL: '" + baseUrl + "' (" + e.getMessage() + ")",
                    e);
        }
    }

    /** A builder starting from these values. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.baseUrl = baseUrl;
        b.connectTimeout = connectTimeout;
        b.requestTimeout = requestTimeout;
        b.userInfo = userInfo;
        b.sslContext = sslContext;
        return b;
    }

    /**
     * Builds a SchemaRegistryClientConfig: start from {@link #toBuilder()} of the defaults or of
     * another one.
     */
    public static final class Builder {
        private URI baseUrl;
        private Duration connectTimeout;
        private Duration requestTimeout;
        private String userInfo;
        private SSLContext sslContext;

        private Builder() {}

        public Builder baseUrl(URI v) {
            baseUrl = v;
            return this;
        }

        public Builder connectTimeout(Duration v) {
            connectTimeout = v;
            return this;
        }

        public Builder requestTimeout(Duration v) {
            requestTimeout = v;
            return this;
        }

        public Builder userInfo(String v) {
            userInfo = v;
            return this;
        }

        public Builder sslContext(SSLContext v) {
            sslContext = v;
            return this;
        }

        public SchemaRegistryClientConfig build() {
            return new SchemaRegistryClientConfig(
                    baseUrl, connectTimeout, requestTimeout, userInfo, sslContext);
        }
    }
}
