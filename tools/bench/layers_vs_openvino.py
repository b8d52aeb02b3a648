#!/usr/bin/env python3
"""zoo's time per layer beside OpenVINO's on the same .onnx, run by hand (issue 20): where zoo is
behind its fastest peer, layer by layer, as Markdown on stdout.

zoo: `zoo bench --profile --json` (each node timed on its own, median of --runs). OpenVINO: its
own per-layer counters (PERF_COUNT), summed over --runs inferences and averaged, at f32 when zoo
runs fp32, at its default precision (bf16 on CPUs with AVX512-BF16 or AMX) when zoo runs bf16.
A layer is matched by its ONNX node name; what zoo fuses (the stem and its max pool, MobileNetV2's
blocks) or OpenVINO splits off (reorders) is listed apart, with its time, so the totals compare.

Usage (from the repository root, in the venv of tools/bench/requirements.txt):
    swift build -c release --product zoo
    python3 tools/bench/layers_vs_openvino.py [--zoo .build/release/zoo] [--dir DIR] [--model resnet50]
        [--batch 1] [--threads 2] [--runs 50] [--precision fp32|bf16]
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

from export_models import default_dir, ensure_exported
from machine_info import machine_info


def zoo_layers(zoo, model_file, batch, threads, runs, precision):
    """{ONNX node name: ms} from zoo's profile, the median latency and the profile's node count."""
    args = [zoo, "bench", "--model", model_file, "--batch", str(batch), "--threads", str(threads),
            "--precision", precision, "--warmup", "40", "--runs", str(runs), "--profile", "--top", "100000", "--json"]
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"zoo bench failed: {done.stderr.strip()}")
    report = json.loads(done.stdout)
    # zoo names a node by its output value, the ONNX node's name plus "_output_0".
    layers = {node["name"].removesuffix("_output_0"): node["ms"] for node in report["profile"]["top_nodes"]}
    return layers, report["latency_ms"]["median"]


def openvino_layers(model_file, batch, threads, runs, precision):
    """{ONNX node name: ms} from OpenVINO's counters, its median latency and the precision it ran."""
    import openvino as ov
    core = ov.Core()
    model = core.read_model(model_file)
    model.reshape([batch, 3, 224, 224])
    config = {"PERF_COUNT": "YES", "INFERENCE_NUM_THREADS": threads, "PERFORMANCE_HINT": "LATENCY"}
    if precision == "fp32":
        config["INFERENCE_PRECISION_HINT"] = "f32"
    compiled = core.compile_model(model, "CPU", config)
    hint = compiled.get_property("INFERENCE_PRECISION_HINT")
    chosen = hint.get_type_name() if hasattr(hint, "get_type_name") else str(hint)  # "bf16", "f32"
    request = compiled.create_infer_request()
    x = np.random.default_rng(0).standard_normal((batch, 3, 224, 224)).astype(np.float32)
    for _ in range(40):
        request.infer({0: x})
    totals, latencies = {}, []
    for _ in range(runs):
        start = time.perf_counter()
        request.infer({0: x})
        latencies.append((time.perf_counter() - start) * 1e3)
        for layer in request.profiling_info:
            # OpenVINO names a convolution's node "<onnx name>/WithoutBiases" once it moves the bias out.
            name = layer.node_name.removesuffix("/WithoutBiases")
            totals[name] = totals.get(name, 0.0) + layer.real_time.total_seconds() * 1e3
    layers = {name: ms / runs for name, ms in totals.items() if ms > 0}
    return layers, sorted(latencies)[len(latencies) // 2], chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zoo", default=".build/release/zoo")
    parser.add_argument("--dir", default=default_dir(), help="the .onnx files (default: %(default)s)")
    parser.add_argument("--model", default="resnet50")
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--precision", choices=["fp32", "bf16"], default="bf16")
    args = parser.parse_args()
    model_file = ensure_exported([args.model], args.dir, log=lambda m: print(m, file=sys.stderr))[args.model]

    theirs, their_latency, chosen = openvino_layers(model_file, args.batch, args.threads, args.runs, args.precision)
    ours, our_latency = zoo_layers(os.path.abspath(args.zoo), model_file, args.batch, args.threads, args.runs,
                                   args.precision)
    info = machine_info()
    print(f"{args.model}, batch {args.batch}, {args.threads} threads: zoo {args.precision} against OpenVINO "
          f"{chosen}; {info['cpu']}, Linux {info['kernel']}; {info['date']}")
    print(f"Median latency: zoo {our_latency:.2f} ms, OpenVINO {their_latency:.2f} ms; layers summed: zoo "
          f"{sum(ours.values()):.2f} ms, OpenVINO {sum(theirs.values()):.2f} ms")
    print()
    print("| layer | zoo ms | OpenVINO ms | zoo - OpenVINO ms |")
    print("| --- | ---: | ---: | ---: |")
    both = sorted(set(ours) & set(theirs), key=lambda name: theirs[name] - ours[name])
    for name in both:
        print(f"| {name} | {ours[name]:.3f} | {theirs[name]:.3f} | {ours[name] - theirs[name]:+.3f} |")
    for side, layers, other in (("zoo only", ours, theirs), ("OpenVINO only", theirs, ours)):
        apart = {name: ms for name, ms in layers.items() if name not in other}
        if apart:
            listed = ", ".join(f"{name} {ms:.3f}" for name, ms in sorted(apart.items(), key=lambda kv: -kv[1]))
            print(f"\n{side} ({sum(apart.values()):.3f} ms): {listed}")


if __name__ == "__main__":
    main()
