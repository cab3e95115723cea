#!/usr/bin/env python3
"""Top frames of one thread group in a JFR recording, as Markdown tables for bench/README.md.

    bench/jfr-top.py RECORDING.jfr [THREAD_REGEX] [N]

Runs `jfr print --stack-depth 200 --events jdk.ExecutionSample` (JFR ships with the JDK) and counts, over the
samples of the threads whose name matches THREAD_REGEX (default: the conntrack topology's stream thread in a
bench run), the frames on top of the stack (self) and the frames anywhere on it (total, once per sample).
"""
import collections
import re
import subprocess
import sys

recording = sys.argv[1]
thread_re = re.compile(sys.argv[2] if len(sys.argv) > 2 else r"bench-topology-.*-streams-.*StreamThread-1$")
n = int(sys.argv[3]) if len(sys.argv) > 3 else 20
text = subprocess.run(["jfr", "print", "--stack-depth", "200", "--events", "jdk.ExecutionSample", recording],
                      check=True, capture_output=True, text=True).stdout
self_counts, total_counts, samples = collections.Counter(), collections.Counter(), 0
for event in text.split("jdk.ExecutionSample")[1:]:
    thread = re.search(r'sampledThread = "([^"]*)"', event)
    if not thread or not thread_re.search(thread.group(1)):
        continue
    frames = re.findall(r"^\s+([\w$.<>]+)\(", event, re.M)
    if not frames:
        continue
    samples += 1
    self_counts[frames[0]] += 1
    for f in set(frames):
        total_counts[f] += 1
print(f"{samples} samples of threads matching `{thread_re.pattern}`\n")
print("| self % | frame |\n|---:|---|")
for f, c in self_counts.most_common(n):
    print(f"| {100 * c / samples:.1f} | `{f}` |")
print("\n| total % | frame (ctstream, Kafka Streams stages, Avro, RocksDB) |\n|---:|---|")
shown = 0
for f, c in total_counts.most_common():
    if re.search(r"io\.ctstream\.|StreamTask\.process$|RecordDeserializer\.deserialize$|TaskManager\.commit$|"
                 r"RecordCollectorImpl\.send$|ThreadCache\.(put|get|flush)$|RocksDBStore\.(put|get)$|"
                 r"PartitionGroup\.readyToProcess$|String\.format$|deepCopy$", f):
        print(f"| {100 * c / samples:.1f} | `{f}` |")
        shown += 1
        if shown >= n:
            break
