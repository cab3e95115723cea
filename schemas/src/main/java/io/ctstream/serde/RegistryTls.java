package io.ctstream.serde;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;

/**
 * Builds the TLS context of the registry client from Confluent's {@code schema.registry.ssl.*}
 * properties: a trust store for the registry's certificate, and a key store when the registry asks
 * for a client certificate (mTLS).
 */
final class RegistryTls {
    private RegistryTls() {}

    /**
     * @return the context, or null when neither store is configured (the JVM's default trust
     *     applies)
     */
    static SSLContext context(
            String protocol,
            String trustLocation,
            String trustPassword,
            String trustType,
            String keyLocation,
            String keyStorePassword,
            String keyType,
            String keyPassword) {
        if (trustLocation == null && keyLocation == null) {
            return null;
        }
        try {
            TrustManagerFactory tmf = null;
            if (trustLocation != null) {
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(
                        load(
                                AvroSerdeConfig.SSL_TRUSTSTORE_LOCATION,
                                trustLocation,
                                trustPassword,
                                trustType));
            }
            KeyManagerFactory kmf = null;
            if (keyLocation != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                String pw = keyPassword != null ? keyPassword : keyStorePassword;
                kmf.init(
                        load(
                                AvroSerdeConfig.SSL_KEYSTORE_LOCATION,
                                keyLocation,
                                keyStorePassword,
                                keyType),
                        pw == null ? null : pw.toCharArray());
            }
            SSLContext ctx = SSLContext.getInstance(protocol);
            ctx.init(
                    kmf == null ? null : kmf.getKeyManagers(),
                    tmf == null ? null : tmf.getTrustManagers(),
                    null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new ConfigException("schema registry TLS: " + e.getMessage());
        }
    }

    private static KeyStore load(String key, String location, String password, String type) {
        try (InputStream in = Files.newInputStream(Path.of(location))) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password == null ? null : password.toCharArray());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    key, location, "cannot read the " + type + " store: " + e.getMessage());
        }
    }
}
