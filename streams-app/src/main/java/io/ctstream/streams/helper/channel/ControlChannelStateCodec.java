package io.ctstream.streams.helper.channel;

import io.ctstream.avro.HelperMode;
import io.ctstream.streams.helper.ConntrackHelper;
import io.ctstream.streams.helper.ExpectationWindow;
import io.ctstream.streams.helper.HelperConfig;
import io.ctstream.streams.helper.ftp.FtpHelper;
import io.ctstream.streams.helper.ftp.FtpReplyAssembler;
import io.ctstream.streams.helper.ftp.FtpState;
import io.ctstream.streams.helper.ftp.KernelNewlineTracker;
import io.ctstream.streams.helper.irc.IrcHelper;
import io.ctstream.streams.helper.registry.HelperRegistry;
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
 * Compact, versioned binary form of a {@link ControlChannelState} for a state store: one version
 * byte, then the fields in a fixed order (big-endian, java.io.DataOutput). Bounds (window, line
 * buffer) are not stored: they come from the {@link HelperConfig} at decode time, and a stored
 * state that exceeds them is refused. An unknown version or a corrupt record raises {@link
 * IllegalArgumentException}, never a partial state.
 *
 * <p>Format 3 names the helper (its registered name) and ends with the helper's own state, which
 * the helper writes and reads. Formats 1 and 2, written before helpers were plug-ins, named the
 * helper by its place in a list (0 FTP, 1 IRC) and kept FTP's reply assembler and newline trackers
 * among the core's fields; they are still read, so the state in running deployments' stores and
 * changelogs survives the upgrade (format 1: no searched end in the newline trackers, read as
 * nothing searched yet).
 */
public final class ControlChannelStateCodec {

    /** Current format version. Bump and keep a reader for the old one when the layout changes. */
    public static final byte VERSION = 3;

    /** Format 2: helper by ordinal, FTP's fields in the core's layout. */
    static final byte VERSION_2 = 2;

    /** Format 1: as 2, without the searched end in the kernel newline trackers. */
    static final byte VERSION_1 = 1;

    private ControlChannelStateCodec() {}

    public static byte[] encode(ControlChannelState s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeUTF(s.helper == null ? "" : s.helper.name());
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
            }
            s.window.writeTo(out);
            out.writeLong(s.segments);
            out.writeLong(s.expectationRequests);
            out.writeLong(s.refusals);
            out.writeLong(s.kernelDrops);
            if (s.helper != null) {
                s.helperState.writeTo(out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static ControlChannelState decode(byte[] data, HelperConfig config) {
        if (data == null || data.length == 0) {
            throw new IllegalArgumentException("empty control-channel state");
        }
        if (data[0] != VERSION && data[0] != VERSION_2 && data[0] != VERSION_1) {
            throw new IllegalArgumentException(
                    "unsupported control-channel state version "
                            + data[0]
                            + " (this build reads 1 to "
                            + VERSION
                            + ")");
        }
        try (DataInputStream in =
                new DataInputStream(new ByteArrayInputStream(data, 1, data.length - 1))) {
            ControlChannelState s =
                    data[0] == VERSION
                            ? read(in, config)
                            : readFormat2(in, config, data[0] >= VERSION_2);
            if (in.available() > 0) {
                throw new IOException(in.available() + " trailing bytes");
            }
            return s;
        } catch (EOFException e) {
            throw new IllegalArgumentException("truncated control-channel state", e);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(
                    "corrupt control-channel state: " + e.getMessage(), e);
        }
    }

    private static ControlChannelState read(DataInputStream in, HelperConfig config)
            throws IOException {
        String name = in.readUTF();
        ConntrackHelper helper = null;
        if (!name.isEmpty()) {
            helper =
                    HelperRegistry.byName(name)
                            .orElseThrow(
                                    () ->
                                            new IOException(
                                                    "state of helper '"
                                                            + name
                                                            + "', which this build does not have"));
        }
        ControlChannelState s = new ControlChannelState(helper, mode(in.readUnsignedByte()));
        s.seenReply = in.readBoolean();
        for (int d = 0; d < 2; d++) {
            if (in.readBoolean()) {
                s.streams[d] =
                        TcpStreamReassembler.readFrom(
                                in, config.reassemblyWindowBytes(), config.reassemblyMaxSegments());
            }
            if (in.readBoolean()) {
                s.framers[d] = LineFramer.readFrom(in, config.lineBufferBytes());
            }
        }
        readCommon(in, s);
        if (helper != null) {
            s.helperState = helper.readState(in, s.mode, config);
        }
        return s;
    }

    /**
     * Formats 1 and 2: the helper by its ordinal in the former enum, FTP's own fields among the
     * core's.
     */
    private static ControlChannelState readFormat2(
            DataInputStream in, HelperConfig config, boolean withSearched) throws IOException {
        int h = in.readByte();
        int m = in.readUnsignedByte();
        if (h < -1 || h > 1) {
            throw new IOException("bad helper " + h);
        }
        ConntrackHelper helper =
                h < 0
                        ? null
                        : HelperRegistry.byName(h == 0 ? FtpHelper.NAME : IrcHelper.NAME)
                                .orElseThrow();
        ControlChannelState s = new ControlChannelState(helper, mode(m));
        s.seenReply = in.readBoolean();
        KernelNewlineTracker[] newlines = new KernelNewlineTracker[2];
        for (int d = 0; d < 2; d++) {
            if (in.readBoolean()) {
                s.streams[d] =
                        TcpStreamReassembler.readFrom(
                                in, config.reassemblyWindowBytes(), config.reassemblyMaxSegments());
            }
            if (in.readBoolean()) {
                s.framers[d] = LineFramer.readFrom(in, config.lineBufferBytes());
            }
            if (in.readBoolean()) {
                newlines[d] = KernelNewlineTracker.readFrom(in, withSearched);
            }
        }
        FtpReplyAssembler replies =
                in.readBoolean() ? FtpReplyAssembler.readFrom(in, config.lineBufferBytes()) : null;
        readCommon(in, s);
        if (h == 0) {
            s.helperState = FtpState.of(replies, newlines[0], newlines[1]);
        } else if (helper != null) {
            s.helperState = helper.newState(s.mode, config); // IRC kept nothing of its own
        }
        return s;
    }

    private static void readCommon(DataInputStream in, ControlChannelState s) throws IOException {
        s.window = ExpectationWindow.readFrom(in);
        s.segments = in.readLong();
        s.expectationRequests = in.readLong();
        s.refusals = in.readLong();
        s.kernelDrops = in.readLong();
    }

    private static HelperMode mode(int m) throws IOException {
        if (m >= HelperMode.values().length) {
            throw new IOException("bad mode " + m);
        }
        return HelperMode.values()[m];
    }
}
