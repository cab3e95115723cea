package io.ctstream.capture.file;

import io.ctstream.capture.decode.LinkType;
import io.ctstream.capture.decode.UnsupportedLinkTypeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a capture file before anything starts (a broker, a registry, a pipeline): it exists, is a
 * readable, non-empty pcap or pcapng file, and its link types are ones the decoder reads. Reads the
 * file header and the blocks up to the first packet, nothing more, so it is quick on any size of
 * file. A file cut short later is not refused here: its packets before the cut are worth replaying,
 * and the replay reports the cut.
 */
public final class CaptureFileCheck {

    /** What the check saw: the format and the link types declared before the first packet. */
    public record Summary(Path file, String format, List<Integer> linkTypes, boolean hasPackets) {}

    private CaptureFileCheck() {}

    /**
     * @throws UnusableCaptureFileException naming the file and what is wrong with it
     * @throws UnsupportedLinkTypeException when a link type is not one the decoder reads
     */
    public static Summary check(Path file) {
        if (!Files.exists(file)) {
            throw new UnusableCaptureFileException(file, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new UnusableCaptureFileException(file, "is a directory, not a capture file");
        }
        if (!Files.isReadable(file)) {
            throw new UnusableCaptureFileException(file, "not readable (permissions)");
        }
        try {
            if (Files.size(file) == 0) {
                throw new UnusableCaptureFileException(file, "is empty (0 bytes)");
            }
            try (CaptureFileReader reader = CaptureFiles.open(file)) {
                boolean hasPackets;
                try {
                    hasPackets = reader.next(new CapturedFrame());
                } catch (CaptureFileException e) {
                    if (!e.truncated()) {
                        throw e;
                    }
                    hasPackets = false; // cut short in its first packet: the replay reports it
                }
                List<Integer> linkTypes =
                        reader instanceof PcapReader pcap
                                ? List.of(pcap.linkType())
                                : ((PcapngReader) reader).linkTypes();
                for (int linkType : linkTypes) {
                    LinkType.requireSupported(linkType, file + " (" + reader.format() + ")");
                }
                return new Summary(file, reader.format(), linkTypes, hasPackets);
            }
        } catch (CaptureFileException e) {
            // the message already names the file and the offset
            throw new UnusableCaptureFileException("capture file " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UnusableCaptureFileException(file, "cannot read: " + e.getMessage());
        }
    }
}
