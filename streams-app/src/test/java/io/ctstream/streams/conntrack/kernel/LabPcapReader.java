package io.ctstream.streams.conntrack.kernel;

import io.ctstream.avro.PacketRecord;
import io.ctstream.avro.Tuple;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A deliberately minimal, test-only reader of the lab's classic pcap files (Ethernet, IPv4/IPv6, TCP/UDP/ICMP) into
 * PacketRecords, so the conntrack core can be checked against the kernel before the capture agent's decoder exists.
 * It is not the product decoder: once capture-agent's is merged, the conformance test should use that one instead.
 */
public final class LabPcapReader {

  private LabPcapReader() {
  }

  public static List<PacketRecord> read(Path pcap, String sensor) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(pcap));
    int magic = b.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    boolean nanos;
    if (magic == 0xa1b2c3d4 || magic == 0xa1b23c4d) {
      b.order(ByteOrder.LITTLE_ENDIAN);
    } else {
      b.order(ByteOrder.BIG_ENDIAN);
      magic = b.getInt(0);
      if (magic != 0xa1b2c3d4 && magic != 0xa1b23c4d) {
        throw new IOException(pcap + ": not a classic pcap file");
      }
    }
    nanos = magic == 0xa1b23c4d;
    int linkType = b.getInt(20);
    if (linkType != 1) {
      throw new IOException(pcap + ": link type " + linkType + " is not Ethernet");
    }
    List<PacketRecord> out = new ArrayList<>();
    int pos = 24;
    while (pos + 16 <= b.limit()) {
      long sec = Integer.toUnsignedLong(b.getInt(pos));
      long frac = Integer.toUnsignedLong(b.getInt(pos + 4));
      int incl = b.getInt(pos + 8);
      long ts = sec * 1_000_000L + (nanos ? frac / 1000 : frac);
      byte[] frame = Arrays.copyOfRange(b.array(), pos + 16, pos + 16 + incl);
      pos += 16 + incl;
      PacketRecord p = decodeEthernet(frame, ts, sensor);
      if (p != null) {
        out.add(p);
      }
    }
    return out;
  }

  static PacketRecord decodeEthernet(byte[] f, long ts, String sensor) {
    ByteBuffer b = ByteBuffer.wrap(f);
    int off = 12;
    int type = b.getShort(off) & 0xffff;
    off += 2;
    while (type == 0x8100 || type == 0x88a8) {
      type = b.getShort(off + 2) & 0xffff;
      off += 4;
    }
    PacketRecord.Builder r = PacketRecord.newBuilder().setSensorId(sensor).setTimestampMicros(ts)
        .setPayload(ByteBuffer.allocate(0)).setPayloadLength(0);
    int l4;
    int proto;
    int l4Len;
    if (type == 0x0800) {
      int ihl = (f[off] & 0x0f) * 4;
      int total = b.getShort(off + 2) & 0xffff;
      proto = f[off + 9] & 0xff;
      int fragOff = b.getShort(off + 6) & 0x1fff;
      r.setIpVersion(4).setIpTotalLength(total).setIpId(b.getShort(off + 4) & 0xffff).setTtl(f[off + 8] & 0xff)
          .setSrc(ByteBuffer.wrap(Arrays.copyOfRange(f, off + 12, off + 16)))
          .setDst(ByteBuffer.wrap(Arrays.copyOfRange(f, off + 16, off + 20)))
          .setFragment(fragOff != 0 || (b.getShort(off + 6) & 0x2000) != 0);
      l4 = off + ihl;
      l4Len = total - ihl;
    } else if (type == 0x86dd) {
      int payloadLen = b.getShort(off + 4) & 0xffff;
      proto = f[off + 6] & 0xff;
      r.setIpVersion(6).setIpTotalLength(40 + payloadLen).setTtl(f[off + 7] & 0xff)
          .setSrc(ByteBuffer.wrap(Arrays.copyOfRange(f, off + 8, off + 24)))
          .setDst(ByteBuffer.wrap(Arrays.copyOfRange(f, off + 24, off + 40)));
      l4 = off + 40;
      l4Len = payloadLen;
      while (proto == 0 || proto == 43 || proto == 60 || proto == 44) {
        int next = f[l4] & 0xff;
        int len = proto == 44 ? 8 : ((f[l4 + 1] & 0xff) + 1) * 8;
        l4 += len;
        l4Len -= len;
        proto = next;
      }
    } else {
      return null;
    }
    r.setProtocol(proto);
    if (proto == 6) {
      int doff = ((f[l4 + 12] & 0xf0) >> 4) * 4;
      r.setSrcPort(b.getShort(l4) & 0xffff).setDstPort(b.getShort(l4 + 2) & 0xffff)
          .setTcpSeq(Integer.toUnsignedLong(b.getInt(l4 + 4))).setTcpAck(Integer.toUnsignedLong(b.getInt(l4 + 8)))
          .setTcpFlags(f[l4 + 13] & 0xff).setTcpWindow(b.getShort(l4 + 14) & 0xffff)
          .setPayloadLength(l4Len - doff)
          .setPayload(ByteBuffer.wrap(java.util.Arrays.copyOfRange(f, l4 + doff, l4 + l4Len)));
      tcpOptions(f, l4 + 20, l4 + doff, r);
    } else if (proto == 17) {
      r.setSrcPort(b.getShort(l4) & 0xffff).setDstPort(b.getShort(l4 + 2) & 0xffff).setPayloadLength(l4Len - 8);
    } else if (proto == 1 || proto == 58) {
      int icmpType = f[l4] & 0xff;
      r.setIcmpType(icmpType).setIcmpCode(f[l4 + 1] & 0xff).setPayloadLength(l4Len - 8);
      boolean echo = proto == 1 ? (icmpType == 8 || icmpType == 0) : (icmpType == 128 || icmpType == 129);
      boolean error = proto == 1 ? (icmpType == 3 || icmpType == 4 || icmpType == 5 || icmpType == 11
          || icmpType == 12) : icmpType < 128;
      if (echo) {
        int id = b.getShort(l4 + 4) & 0xffff;
        r.setSrcPort(id).setDstPort(id);
      } else if (error) {
        r.setIcmpQuoted(quoted(f, l4 + 8, proto == 1 ? 4 : 6));
      }
    }
    return r.build();
  }

  private static Tuple quoted(byte[] f, int off, int version) {
    ByteBuffer b = ByteBuffer.wrap(f);
    try {
      int proto;
      int l4;
      byte[] src;
      byte[] dst;
      if (version == 4) {
        int ihl = (f[off] & 0x0f) * 4;
        proto = f[off + 9] & 0xff;
        src = Arrays.copyOfRange(f, off + 12, off + 16);
        dst = Arrays.copyOfRange(f, off + 16, off + 20);
        l4 = off + ihl;
      } else {
        proto = f[off + 6] & 0xff;
        src = Arrays.copyOfRange(f, off + 8, off + 24);
        dst = Arrays.copyOfRange(f, off + 24, off + 40);
        l4 = off + 40;
      }
      int sport = 0;
      int dport = 0;
      if (proto == 6 || proto == 17) {
        sport = b.getShort(l4) & 0xffff;
        dport = b.getShort(l4 + 2) & 0xffff;
      } else if (proto == 1 || proto == 58) {
        sport = dport = b.getShort(l4 + 4) & 0xffff;
      }
      return new Tuple(version, proto, ByteBuffer.wrap(src), sport, ByteBuffer.wrap(dst), dport);
    } catch (IndexOutOfBoundsException e) {
      return null;
    }
  }

  private static void tcpOptions(byte[] f, int from, int to, PacketRecord.Builder r) {
    ByteBuffer b = ByteBuffer.wrap(f);
    int i = from;
    long maxSack = 0;
    while (i < to) {
      int kind = f[i] & 0xff;
      if (kind == 0) {
        break;
      }
      if (kind == 1) {
        i++;
        continue;
      }
      if (i + 1 >= to) {
        break;
      }
      int len = f[i + 1] & 0xff;
      if (len < 2 || i + len > to) {
        break;
      }
      if (kind == 3 && len == 3) {
        r.setTcpWindowScale(f[i + 2] & 0xff);
      } else if (kind == 4 && len == 2) {
        r.setTcpSackPermitted(true);
      } else if (kind == 5 && len >= 10 && (len - 2) % 8 == 0) {
        for (int j = i + 2; j < i + len; j += 8) {
          long right = Integer.toUnsignedLong(b.getInt(j + 4));
          if (maxSack == 0 || (int) (right - maxSack) > 0) {
            maxSack = right;
          }
        }
      }
      i += len;
    }
    r.setTcpMaxSack(maxSack);
  }
}
