#!/usr/bin/env python3
"""A small TFTP server (RFC 1350, no options) for the kernel-oracle lab's TFTP scenario.

usage: tftp_server.py ADDRESS DIRECTORY REQUESTS

Listens on ADDRESS:69/udp and answers REQUESTS read or write requests, one at a time, each from a new socket
on an ephemeral port, as every TFTP server does: that reply from a new port is what nf_conntrack_tftp expects.
RRQ sends DIRECTORY/<name> in 512-byte blocks; WRQ stores the upload as DIRECTORY/<name>. Prints one JSON line
per transfer and exits; a transfer that stalls for 5 s is abandoned.
"""
import json
import os
import socket
import struct
import sys

RRQ, WRQ, DATA, ACK, ERROR = 1, 2, 3, 4, 5
BLOCK = 512


def parse_request(packet):
    opcode = struct.unpack("!H", packet[:2])[0]
    name, mode = packet[2:].split(b"\0")[:2]
    return opcode, os.path.basename(name.decode("latin-1")), mode.decode("latin-1").lower()


def send_file(sock, client, path):
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        sock.sendto(struct.pack("!HH", ERROR, 1) + b"File not found\0", client)
        return {"error": "not found"}
    block = 1
    while True:
        chunk = data[(block - 1) * BLOCK:block * BLOCK]
        for _ in range(5):
            sock.sendto(struct.pack("!HH", DATA, block & 0xFFFF) + chunk, client)
            try:
                reply, peer = sock.recvfrom(4 + BLOCK)
            except socket.timeout:
                continue
            if peer == client and struct.unpack("!HH", reply[:4]) == (ACK, block & 0xFFFF):
                break
        else:
            return {"error": "no ack for block %d" % block}
        if len(chunk) < BLOCK:
            return {"bytes": len(data), "blocks": block}
        block += 1


def receive_file(sock, client, path):
    received = bytearray()
    block = 0
    sock.sendto(struct.pack("!HH", ACK, 0), client)
    while True:
        try:
            packet, peer = sock.recvfrom(4 + BLOCK)
        except socket.timeout:
            return {"error": "no data after block %d" % block}
        if peer != client or len(packet) < 4:
            continue
        opcode, number = struct.unpack("!HH", packet[:4])
        if opcode != DATA:
            continue
        if number == ((block + 1) & 0xFFFF):
            block += 1
            received += packet[4:]
        sock.sendto(struct.pack("!HH", ACK, number), client)
        if number == (block & 0xFFFF) and len(packet) - 4 < BLOCK:
            with open(path, "wb") as f:
                f.write(received)
            return {"bytes": len(received), "blocks": block}


def main():
    address, directory, requests = sys.argv[1], sys.argv[2], int(sys.argv[3])
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind((address, 69))
    print(json.dumps({"listening": "%s:69" % address}), flush=True)
    for _ in range(requests):
        packet, client = listener.recvfrom(2048)
        try:
            opcode, name, mode = parse_request(packet)
        except (ValueError, struct.error):
            continue
        transfer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        transfer.bind((address, 0))
        transfer.settimeout(5)
        path = os.path.join(directory, name)
        result = send_file(transfer, client, path) if opcode == RRQ else receive_file(transfer, client, path)
        result.update({"request": "RRQ" if opcode == RRQ else "WRQ", "file": name, "mode": mode,
                       "client": "%s:%d" % client, "server_port": transfer.getsockname()[1]})
        transfer.close()
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
