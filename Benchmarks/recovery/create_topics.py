#!/usr/bin/env python3
"""Creates topics on a local Kafka-compatible broker with one CreateTopics (v2) request.

usage: create_topics.py PORT PARTITIONS NAME[=compact] ...   (no client library needed)
"""
import socket
import struct
import sys


def string(s):
    b = s.encode()
    return struct.pack(">h", len(b)) + b


def main():
    port, partitions, names = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
    body = struct.pack(">i", len(names))
    for spec in names:
        name, _, policy = spec.partition("=")
        configs = [("cleanup.policy", policy)] if policy else []
        body += string(name) + struct.pack(">ihi", partitions, 1, 0) + struct.pack(">i", len(configs))
        for k, v in configs:
            body += string(k) + string(v)
    body += struct.pack(">ib", 10000, 0)
    request = struct.pack(">hhi", 19, 2, 1) + string("loopwatch-bench") + body
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(struct.pack(">i", len(request)) + request)
        size = struct.unpack(">i", s.recv(4, socket.MSG_WAITALL))[0]
        data = s.recv(size, socket.MSG_WAITALL)
    at = 8  # correlation id, throttle time
    (count,) = struct.unpack_from(">i", data, at)
    at += 4
    for _ in range(count):
        (n,) = struct.unpack_from(">h", data, at)
        name = data[at + 2 : at + 2 + n].decode()
        at += 2 + n
        (error,) = struct.unpack_from(">h", data, at)
        at += 2
        (m,) = struct.unpack_from(">h", data, at)
        at += 2 + max(m, 0)
        if error not in (0, 36):  # 36: already exists
            sys.exit(f"CreateTopics {name}: Kafka error {error}")


if __name__ == "__main__":
    main()
