package io.ctstream.capture.source;

import java.util.List;

/**
 * How to open live interfaces.
 *
 * @param interfaces   interface names (as {@code ip link} shows them; "any" for all)
 * @param bpfFilter    a BPF filter expression, or null for everything
 * @param snaplen      bytes kept per frame
 * @param promiscuous  promiscuous mode
 * @param bufferBytes  kernel capture buffer size
 * @param immediate    deliver each packet at once instead of waiting for a buffer to fill
 * @param timeoutMillis read timeout: how often a quiet capture thread checks for stop and stats
 */
public record LiveCaptureOptions(List<String> interfaces, String bpfFilter, int snaplen, boolean promiscuous,
                                 int bufferBytes, boolean immediate, int timeoutMillis) {
    public LiveCaptureOptions {
        if (interfaces == null || interfaces.isEmpty()) {
            throw new IllegalArgumentException("no interface to capture on");
        }
        if (snaplen < 64) {
            throw new IllegalArgumentException("snaplen must be >= 64, got " + snaplen);
        }
        if (bufferBytes < 0 || timeoutMillis < 1) {
            throw new IllegalArgumentException("buffer size must be >= 0 and timeout >= 1 ms");
        }
        interfaces = List.copyOf(interfaces);
    }

    public static LiveCaptureOptions defaults(List<String> interfaces) {
        return new LiveCaptureOptions(interfaces, null, 65535, true, 16 * 1024 * 1024, true, 100);
    }
}
