#!/usr/bin/env python3
"""The tables of tools/bench/NOTES.md (issue 9), run by hand: per model, the FLOP count, the
machine's GEMM peak through zoo's GEMM path, the time that implies, zoo's measured time, and
where that time goes (`zoo bench --profile`), as Markdown on stdout.

Usage (from the repository root; plain python3 will do when the .onnx files exist, otherwise
the venv of tools/bench/requirements.txt, which exports them):
    swift build -c release --product zoo
    python3 tools/bench/profile_models.py [--zoo .build/release/zoo] [--dir DIR] [--models resnet50,vgg16]
        [--batches 1,8] [--threads 2] [--runs 5] [--top 5] [--precision fp32|bf16]
"""
import argparse
import json
import os
import subprocess
import sys

from export_models import MODELS, default_dir, ensure_exported
from machine_info import machine_info


def bench(zoo, args):
    done = subprocess.run([zoo, "bench"] + args + ["--json"], capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"zoo bench {' '.join(args)} failed: {done.stderr.strip()}")
    return json.loads(done.stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zoo", default=".build/release/zoo")
    parser.add_argument("--dir", default=default_dir(), help="the .onnx files (default: %(default)s)")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--batches", default="1,8")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=5, help="slowest nodes listed per model at batch 1")
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="fp32", help="zoo bench --precision (default: %(default)s)")
    args = parser.parse_args()
    zoo = os.path.abspath(args.zoo)
    threads = ["--threads", str(args.threads), "--precision", args.precision]
    paths = ensure_exported(args.models.split(","), args.dir, log=lambda m: print(m, file=sys.stderr))

    # The GEMM peak once, on the smallest model (the peak does not depend on it).
    peak_report = bench(zoo, ["--model", "tiny-cnn", "--runs", "1", "--warmup", "0", "--gemm-peak"] + threads)
    peak = peak_report["gemm_peak"]
    info = machine_info()
    print(f"Machine: {info['cpu']}, {info['nproc']} usable CPUs, Linux {info['kernel']}; zoo GEMM {peak_report['gemm']}"
          + (f" (OPENBLAS_CORETYPE={os.environ['OPENBLAS_CORETYPE']})" if os.environ.get("OPENBLAS_CORETYPE") else "")
          + f"; {args.threads} threads; {args.precision}; {info['date']}")
    shapes = ", ".join(f"{s['m']}x{s['n']}x{s['k']}: {s['gflops_per_second']:.1f}" for s in peak["shapes"])
    print(f"GEMM peak through zoo's GEMM path: {peak['gflops_per_second']:.1f} GFLOP/s (m x n x k: {shapes})")
    print()

    profiles = {}
    print("| model | GFLOP / image | batch | zoo median ms | at GEMM peak ms | peak / zoo | achieved GFLOP/s |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, path in paths.items():
        for batch in [int(b) for b in args.batches.split(",")]:
            r = bench(zoo, ["--model", path, "--batch", str(batch), "--runs", str(args.runs), "--profile",
                            "--top", str(args.top)] + threads)
            implied = r["gflops_per_image"] * batch / peak["gflops_per_second"] * 1e3
            median = r["latency_ms"]["median"]
            print(f"| {name} | {r['gflops_per_image']:.3f} | {batch} | {median:,.1f} | {implied:,.1f} | "
                  f"{implied / median:.0%} | {r['gflops_per_second']:.1f} |", flush=True)
            profiles[(name, batch)] = r
    for (name, batch), r in profiles.items():
        p = r["profile"]
        print()
        print(f"### {name}, batch {batch}: {p['total_ms']:,.1f} ms in nodes (median latency {r['latency_ms']['median']:,.1f} ms)")
        print()
        print("| op kind | nodes | ms | % | GFLOP/s |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for k in p["kinds"]:
            rate = f"{k['gflops_per_second']:.1f}" if "gflops_per_second" in k else "-"
            print(f"| {k['kind']} | {k['nodes']} | {k['ms']:,.2f} | {k['percent']:.1f} | {rate} |")
        if batch == 1:
            print()
            print("| slowest nodes | kind | output | ms | % | GFLOP/s |")
            print("| --- | --- | --- | ---: | ---: | ---: |")
            for n in p["top_nodes"]:
                rate = f"{n['gflops_per_second']:.1f}" if "gflops_per_second" in n else "-"
                shape = "x".join(map(str, n["output_shape"]))
                print(f"| {n['name']} | {n['kind']} | {shape} | {n['ms']:,.2f} | {n['percent']:.1f} | {rate} |")


if __name__ == "__main__":
    main()
