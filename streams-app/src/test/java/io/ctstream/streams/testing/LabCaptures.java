package io.ctstream.streams.testing;

import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.PacketDecoder;
import io.ctstream.capture.decode.PacketRecords;
import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The lab's captures as the pipeline sees them: read and decoded by the capture agent's own file
 * reader and decoder, with every payload kept (tests that model the edge payload policy cut it
 * themselves).
 */
public final class LabCaptures {
    public static final Path LAB = Path.of("..", "testdata", "lab");

    private LabCaptures() {
    }

    public static Path pcap(String scenario) {
        return LAB.resolve(scenario + ".pcap");
    }

    public static List<PacketRecord> read(String scenario, String sensor) throws IOException {
        return read(pcap(scenario), sensor);
    }

    public static List<PacketRecord> read(Path pcap, String sensor) throws IOException {
        List<PacketRecord> out = new ArrayList<>();
        PacketDecoder decoder = new PacketDecoder();
        DecodedPacket decoded = new DecodedPacket();
        CapturedFrame frame = new CapturedFrame();
        try (CaptureFileReader reader = CaptureFiles.open(pcap)) {
            while (reader.next(frame)) {
                if (decoder.decode(frame.linkType(), frame.data(), frame.capturedLength(), frame.originalLength(), decoded)) {
                    out.add(PacketRecords.toRecord(decoded, sensor, frame.timestampMicros(), null, Integer.MAX_VALUE));
                }
            }
        }
        return out;
    }
}
