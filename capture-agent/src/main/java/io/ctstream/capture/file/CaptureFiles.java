package io.ctstream.capture.file;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens a capture file as pcap or pcapng, recognised by its magic number (not its name). */
public final class CaptureFiles {
    private static final int BUFFER = 1 << 16;

    private CaptureFiles() {}

    public static CaptureFileReader open(Path file) throws IOException {
        return open(file, Files.newInputStream(file));
    }

    /**
     * Reads from {@code in}, which is closed with the reader; {@code file} names it in messages.
     */
    public static CaptureFileReader open(Path file, InputStream in) throws IOException {
        ByteSource src = new ByteSource(new BufferedInputStream(in, BUFFER));
        try {
            byte[] magic = new byte[4];
            int got = src.read(magic, 0, 4);
            if (got < 4) {
                throw new CaptureFileException(
                        file, 0, "too short to be a capture file (" + got + " bytes)");
            }
            int be = ByteSource.int32(magic, 0, true);
            int le = ByteSource.int32(magic, 0, false);
            if (be == PcapngReader.SHB) {
                return new PcapngReader(file, src, magic);
            }
            if (be == PcapReader.MAGIC_MICROS
                    || be == PcapReader.MAGIC_NANOS
                    || le == PcapReader.MAGIC_MICROS
                    || le == PcapReader.MAGIC_NANOS) {
                return new PcapReader(file, src, magic);
            }
            throw new CaptureFileException(
                    file, 0, "neither pcap nor pcapng (magic 0x" + Integer.toHexString(be) + ")");
        } catch (IOException | RuntimeException e) {
            src.close();
            throw e;
        }
    }
}
