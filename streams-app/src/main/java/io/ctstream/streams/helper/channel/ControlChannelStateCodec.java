package io.ctstream.streams.helper.channel;

import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.ExpectationWindow;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.HelperKind;
import io.ctstream.streams.helper.ftp.FtpReplyAssembler;
import io.ctstream.streams.helper.stream.LineFramer;
import io.ctstream.streams.helper.stream.TcpStreamReassembler;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Compact, versioned binary form of a {@link ControlChannelState} for a state store: one version byte, then
 * the fields in a fixed order (big-endian, java.io.DataOutput). Bounds (window, line buffer) are not stored:
 * they come from the {@link HelperConfig} at decode time, and a stored state that exceeds them is refused.
 * An unknown version or a corrupt record raises {@link IllegalArgumentException}, never a partial state.
 */
public final class ControlChannelStateCodec {

    /** Current format version. Bump and keep a reader for the old one when the layout changes. */
    public static final byte VERSION = 2;
    /** Format 1: no searched end in the kernel newline trackers (read as nothing searched yet). */
    static final byte VERSION_1 = 1;

    private ControlChannelStateCodec() {
    }

    public static byte[] encode(ControlChannelState s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeByte(s.helper == null ? -1 : s.helper.ordinal());
            out.writeByte(s.mode.ordinal());
            out.writeBoolean(s.seenReply);
            for (int d = 0; d < 2; d++) {
                out.writeBoolean(s.streams[d] != null);
                if (s.streams[d] != null) {
                    s.streams[d].writeTo(out);
                }
                out.writeBoolean(s.framers[d] != null);
                if (s.framers[d] != null) {
                    s.framers[d].writeTo(out);
                }
                out.writeBoolean(s.newlines[d] != null);
                if (s.newlines[d] != null) {
                    s.newlines[d].writeTo(out);
                }
            }
            out.writeBoolean(s.replies != null);
            if (s.replies != null) {
                s.replies.writeTo(out);
            }
            s.window.writeTo(out);
            out.writeLong(s.segments);
            out.writeLong(s.expectationRequests);
            out.writeLong(s.refusals);
            out.writeLong(s.kernelDrops);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static ControlChannelState decode(byte[] data, HelperConfig config) {
        if (data == null || data.length == 0) {
            throw new IllegalArgumentException("empty control-channel state");
        }
        if (data[0] != VERSION && data[0] != VERSION_1) {
            throw new IllegalArgumentException("unsupported control-channel state version " + data[0] + " (this build reads " + VERSION + ")");
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data, 1, data.length - 1))) {
            int h = in.readByte();
            int m = in.readUnsignedByte();
            if (h < -1 || h >= HelperKind.values().length || m >= HelperMode.values().length) {
                throw new IOException("bad helper " + h + " or mode " + m);
            }
            ControlChannelState s = new ControlChannelState(h < 0 ? null : HelperKind.values()[h], HelperMode.values()[m]);
            s.seenReply = in.readBoolean();
            for (int d = 0; d < 2; d++) {
                if (in.readBoolean()) {
                    s.streams[d] = TcpStreamReassembler.readFrom(in, config.reassemblyWindowBytes(), config.reassemblyMaxSegments());
                }
                if (in.readBoolean()) {
                    s.framers[d] = LineFramer.readFrom(in, config.lineBufferBytes());
                }
                if (in.readBoolean()) {
                    s.newlines[d] = KernelNewlineTracker.readFrom(in, data[0] >= VERSION);
                }
            }
            if (in.readBoolean()) {
                s.replies = FtpReplyAssembler.readFrom(in, config.lineBufferBytes());
            }
            s.window = ExpectationWindow.readFrom(in);
            s.segments = in.readLong();
            s.expectationRequests = in.readLong();
            s.refusals = in.readLong();
            s.kernelDrops = in.readLong();
            if (in.available() > 0) {
                throw new IOException(in.available() + " trailing bytes");
            }
            return s;
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated control-channel state", e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt control-channel state: " + e.getMessage(), e);
        }
    }
}
