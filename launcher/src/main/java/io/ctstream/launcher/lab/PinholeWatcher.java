package io.ctstream.launcher.lab;

import io.ctstream.enforcement.nft.NftElement;
import io.ctstream.enforcement.nft.NftException;
import io.ctstream.enforcement.nft.NftProcess;
import io.ctstream.enforcement.nft.NftStateParser;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Polls gw's ctstream table ({@code nft -n -j list table inet ctstream}, parsed by the enforcement
 * agent's own parser) and remembers when each element was first seen. That instant, against the
 * capture timestamp of the packet that announced the data connection, is the time-to-pinhole; the
 * poll period (plus one nft run, a few ms) bounds how late it may be seen.
 */
public final class PinholeWatcher implements AutoCloseable {
    private final NftProcess nft;
    private final String table;
    private final Map<NftElement, Instant> firstSeen = new ConcurrentHashMap<>();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile String lastError;

    public PinholeWatcher(List<String> nftCommand, String table, long periodMillis) {
        this.nft = new NftProcess(nftCommand);
        this.table = table;
        this.thread = new Thread(() -> poll(periodMillis), "pinhole-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll(long periodMillis) {
        while (!stopped) {
            try {
                String json = nft.listTableJson(table);
                Instant now = Instant.now();
                if (json != null) { // null: no table yet, the agent has not set it up
                    NftStateParser.parse(json)
                            .expiresSeconds()
                            .keySet()
                            .forEach(e -> firstSeen.putIfAbsent(e, now));
                }
                lastError = null;
            } catch (NftException e) {
                lastError = e.getMessage();
            }
            try {
                Thread.sleep(periodMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** When {@code element} was first seen in the table, if it was. */
    public Optional<Instant> firstSeen(NftElement element) {
        return Optional.ofNullable(firstSeen.get(element));
    }

    /** The last nft error (e.g. no table yet), or null. */
    public String lastError() {
        return lastError;
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
