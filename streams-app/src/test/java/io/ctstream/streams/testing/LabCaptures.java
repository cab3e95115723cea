package io.ctstream.streams.testing;

import io.ctstream.avro.PacketRecord;
import io.ctstream.capture.decode.DecodedPacket;
import io.ctstream.capture.decode.PacketDecoder;
import io.ctstream.capture.encode.PacketRecordEncoder;
import io.ctstream.capture.file.CaptureFileReader;
import io.ctstream.capture.file.CaptureFiles;
import io.ctstream.capture.file.CapturedFrame;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * The lab's captures as the pipeline sees them: read, decoded and encoded by the capture agent's
 * own file reader, decoder and record encoder (the bytes it publishes, read back with Avro), with
 * every payload kept (tests that model the edge payload policy cut it themselves).
 */
public final class LabCaptures {
    public static final Path LAB = Path.of("..", "testdata", "lab");

    private LabCaptures() {}

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
        PacketRecordEncoder encoder = new PacketRecordEncoder(0, sensor);
        SpecificDatumReader<PacketRecord> avro = new SpecificDatumReader<>(PacketRecord.class);
        try (CaptureFileReader reader = CaptureFiles.open(pcap)) {
            while (reader.next(frame)) {
                if (decoder.decode(
                        frame.linkType(),
                        frame.data(),
                        frame.capturedLength(),
                        frame.originalLength(),
                        decoded)) {
                    byte[] wire =
                            encoder.encode(
                                    decoded, frame.timestampMicros(), null, Integer.MAX_VALUE);
                    // past the registry header (magic byte and schema id)
                    out.add(
                            avro.read(
                                    null,
                                    DecoderFactory.get()
                                            .binaryDecoder(wire, 5, wire.length - 5, null)));
                }
            }
        }
        return out;
    }
}
