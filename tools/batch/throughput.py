#!/usr/bin/env python3
"""Images per second of `zoo predict --jsonl` (issue 21) over the sample photos repeated to a
few thousand: one process with 1 thread, one with 2 threads, and 2 shards of 1 thread each
side by side (`--shard 0/2`, `--shard 1/2`), in alternating rounds; prints the median of each.
Wall-clock time of the whole run, model load and JPEG decoding included, output to /dev/null.

Run by hand, never by CI or the tests (a noisy machine: it prints the load average). From the
repository root, with any python3 (no packages needed):
    swift build -c release --product zoo
    python3 tools/batch/throughput.py [--zoo .build/release/zoo] [--images 2000] [--rounds 3]
        [--model efficientnet-lite0] [--batch 8]
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from image_set import make_image_set, write_list


def timed(commands: list[list[str]]) -> float:
    """Runs the commands side by side; seconds until the last one ends."""
    started = time.perf_counter()
    processes = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for c in commands]
    for p in processes:
        _, err = p.communicate()
        if p.returncode != 0:
            sys.exit(f"failed ({p.returncode}): {' '.join(p.args)}\n{err.decode()}")
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--zoo", default=".build/release/zoo")
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--model", default="efficientnet-lite0")
    parser.add_argument("--batch", type=int, default=8)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="zoo-throughput-") as scratch:
        listed = write_list(make_image_set(Path(scratch) / "images", args.images), Path(scratch) / "list.txt")
        base = [str(Path(args.zoo).resolve()), "predict", "--model", args.model, "--jsonl",
                "--batch", str(args.batch), "--list", str(listed)]
        setups = {
            "1 process, 1 thread": [base + ["--threads", "1"]],
            "1 process, 2 threads": [base + ["--threads", "2"]],
            "2 shards x 1 thread": [base + ["--threads", "1", "--shard", f"{i}/2"] for i in range(2)],
        }
        seconds = {name: [] for name in setups}
        loads = []
        for _ in range(args.rounds):
            for name, commands in setups.items():
                loads.append(os.getloadavg()[0])
                seconds[name].append(timed(commands))

    print(f"zoo predict --jsonl, {args.model}, {args.images} images (the sample photos repeated), "
          f"--batch {args.batch}, median of {args.rounds} rounds; load average before runs "
          f"{min(loads):.1f} to {max(loads):.1f} on {os.cpu_count()} CPUs")
    for name, times in seconds.items():
        median = statistics.median(times)
        print(f"  {name:22s} {args.images / median:7.1f} img/s  ({median:.1f} s; rounds: "
              + ", ".join(f"{t:.1f}" for t in times) + ")")
    return 0


if __name__ == "__main__":
    sys.exit(main())
