package io.ctstream.enforcement.hold;

import com.sun.jna.Callback;
import com.sun.jna.Library;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The part of libnetfilter_queue (Debian: libnetfilter-queue1) the agent uses, bound with JNA: one
 * queue, packets copied to user space, one verdict each. Java has no netlink sockets of its own;
 * this library is the one netfilter ships for the purpose.
 */
interface NetfilterQueueLibrary extends Library {
    short AF_INET = 2;
    short AF_INET6 = 10;
    byte NFQNL_COPY_PACKET = 2;
    int NF_DROP = 0;
    int NF_ACCEPT = 1;

    /** Called by {@link #nfq_handle_packet} for each queued packet. */
    interface PacketCallback extends Callback {
        int invoke(Pointer queue, Pointer message, Pointer data, Pointer userData);
    }

    Pointer nfq_open();

    int nfq_close(Pointer handle);

    int nfq_bind_pf(Pointer handle, short family);

    Pointer nfq_create_queue(
            Pointer handle, short number, PacketCallback callback, Pointer userData);

    int nfq_destroy_queue(Pointer queue);

    int nfq_set_mode(Pointer queue, byte mode, int range);

    int nfq_set_queue_maxlen(Pointer queue, int length);

    int nfq_fd(Pointer handle);

    int nfq_handle_packet(Pointer handle, byte[] buffer, int length);

    int nfq_set_verdict(Pointer queue, int packetId, int verdict, int dataLength, Pointer data);

    Pointer nfq_get_msg_packet_hdr(Pointer data);

    int nfq_get_payload(Pointer data, PointerByReference payload);

    /** libc, for the receive loop. */
    interface LibC extends Library {
        int SOL_SOCKET = 1;
        int SO_RCVTIMEO = 20;

        NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags);

        int setsockopt(int fd, int level, int option, long[] value, int length);

        int O_RDONLY = 0;
        int CLONE_NEWNET = 0x40000000;

        int open(String path, int flags);

        int close(int fd);

        /** Moves the calling thread (only it) into the namespace of {@code fd}. */
        int setns(int fd, int type);
    }
}
