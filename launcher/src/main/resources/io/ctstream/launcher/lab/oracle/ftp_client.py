#!/usr/bin/env python3
"""Raw FTP client of the kernel-oracle lab (ctstream launcher, lab.oracle).

  ftp_client.py HOST FILE fast     3 x (PASV, connect at once, RETR)
  ftp_client.py HOST FILE reuse    PASV RETR; PASV PASV RETR; PASV RETR  (a server with one passive port
                                   announces the same port every time, twice in a row in the second transfer)

Steps are 0.3 s apart. The data connection's connect() is called as soon as the 227 has been parsed, with the socket made
beforehand, so its SYN follows the announcement within microseconds. Prints one JSON object: each
transfer's port, bytes and the client-side delay from the 227's arrival to connect() in microseconds.
"""
import json
import re
import socket
import sys
import time

PASV = re.compile(rb"227 [^(]*\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)")


def main():
    host, name, mode = sys.argv[1], sys.argv[2], sys.argv[3]
    ctl = socket.create_connection((host, 21), timeout=10)
    buf = bytearray()

    def reply():
        # one complete reply: its last line is "xyz text"
        while True:
            lines = bytes(buf).split(b"\r\n")
            for i, line in enumerate(lines[:-1]):
                if len(line) >= 4 and line[:3].isdigit() and line[3:4] == b" ":
                    rest = b"\r\n".join(lines[i + 1:])
                    out = b"\r\n".join(lines[:i + 1])
                    buf[:] = rest
                    return out
            chunk = ctl.recv(4096)
            if not chunk:
                raise EOFError("control connection closed")
            buf.extend(chunk)

    def cmd(text):
        ctl.sendall(text.encode() + b"\r\n")
        return reply()

    reply()
    cmd("USER anonymous")
    cmd("PASS lab@")
    cmd("TYPE I")
    transfers = []
    plan = [1, 1, 1] if mode == "fast" else [1, 2, 1]
    for pasvs in plan:
        # steps 0.3 s apart, so the kernel's events of one step are never read in one batch with the next's
        # (conntrack -E stamps an event when it reads it): only the data SYN follows its 227 at once
        time.sleep(0.3)
        for extra in range(pasvs - 1):
            cmd("PASV")
            time.sleep(0.3)
        data = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        data.settimeout(10)
        ctl.sendall(b"PASV\r\n")
        m = None
        while m is None:
            chunk = ctl.recv(4096)
            if not chunk:
                raise EOFError("control connection closed")
            buf.extend(chunk)
            m = PASV.search(buf)
        arrived = time.perf_counter_ns()
        port = int(m.group(5)) * 256 + int(m.group(6))
        addr = ".".join(g.decode() for g in m.groups()[:4])
        called = time.perf_counter_ns()
        data.connect((addr, port))
        # drop the 227 line from the buffer (its end may come in a later segment)
        while buf.find(b"\r\n", m.end()) < 0:
            buf.extend(ctl.recv(4096))
        del buf[:buf.find(b"\r\n", m.end()) + 2]
        ctl.sendall(b"RETR " + name.encode() + b"\r\n")
        first = reply()
        got = 0
        while True:
            chunk = data.recv(65536)
            if not chunk:
                break
            got += len(chunk)
        data.close()
        done = reply() if first.startswith(b"150") else first
        transfers.append({"port": port, "bytes": got, "pasv": pasvs, "reply": done.decode(errors="replace").strip(),
                          "connect_after_227_us": (called - arrived) / 1000})
    cmd("QUIT")
    ctl.close()
    print(json.dumps({"mode": mode, "transfers": transfers}))


if __name__ == "__main__":
    main()
