#!/usr/bin/env python3
"""Speed comparison (issues 9 and 20), run by hand, never by CI: zoo (fp32 and bf16), onnxruntime and
OpenVINO (CPU, forced f32 and at its default precision) on the same ONNX files (torchvision resnet18, resnet50, vgg16, mobilenet_v2 with random weights,
made by export_models.py), at the same thread count, alternating in one run, plus a check of
zoo's outputs against onnxruntime's. Prints one table of medians with the machine and date.

Usage (in the venv of tools/bench/requirements.txt, from the repository root; see README.md):
    swift build -c release --product zoo
    python tools/bench/compare.py [--zoo .build/release/zoo] [--dir DIR] [--models resnet50,vgg16]
        [--batches 1,8] [--threads 2] [--rounds 5] [--runs 3] [--source zoo|onnx] [--no-bf16] [--json FILE]

How it measures (README.md has the reasoning):
  zoo        `zoo bench --model F --batch B --threads T --warmup W --runs R --json`, a fresh process
             per round; its median. W (--zoo-warmup, default 30) because a fresh zoo process with 2
             threads runs its first batches up to 4x slower (on an Intel VM the first ~10 runs, on a
             Zen 5 VM the first 100-300 ms: resnet18 bf16 runs 2-20; 1 thread shows no such ramp;
             tools/bench/NOTES.md), and from the second round at least --zoo-warmup-seconds (0.5)
             of them by the previous round's median, since the ramp is a time, not a count; while
             the onnxruntime and OpenVINO sessions live in this
             process for the whole comparison. F is the .zoo that this zoo converts from the .onnx at the start
             (same optimised graph and kernels as importing the .onnx, without re-importing every
             round); --source onnx benchmarks the .onnx itself.
  ort        onnxruntime InferenceSession in this process: intra_op_num_threads=T,
             inter_op_num_threads=1, sequential execution, default graph optimisations.
  ov         OpenVINO on "CPU", model reshaped to a static batch B, INFERENCE_NUM_THREADS=T,
             PERFORMANCE_HINT=LATENCY, INFERENCE_PRECISION_HINT=f32 (it would use bf16 on CPUs
             that have it, which is not the fp32 comparison).
  zoo-bf16   the same zoo bench with --precision bf16 (AMX or AVX512-BF16; fp32 where neither).
  ov-default OpenVINO as above without the precision hint: what an OpenVINO user gets; the table
             names the precision it chose (bf16 on CPUs with AMX or AVX512-BF16).
  Each round runs zoo, zoo-bf16, ort, ov, ov-default in turn; each does one untimed run, then R
  timed ones, and gives the median of those. The table shows the median over rounds of those medians.
  Correctness: `zoo infer` (each precision), OpenVINO and onnxruntime on the same random input
  (seed 0), per batch size: relative L2 error of the logits against onnxruntime fp32 (zoo fp32's
  bar: <= 1e-4) and how many rows agree with its top-1 class.
"""
import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort

from export_models import MODELS, default_dir, ensure_exported
from machine_info import machine_info

# Issue 20's targets, every model, batch 1 and 8: zoo fp32 / the faster fp32 peer, zoo bf16 / OpenVINO's default.
TARGET_FP32 = 0.9
TARGET_BF16 = 1.0
RSS_TARGET = 1.3  # peak RSS at batch 1 / (weights + two largest activations)
REL_L2_BAR = 1e-4


def log(message):
    print(message, file=sys.stderr, flush=True)


def run_zoo(zoo, args, timeout=1800):
    """Runs the zoo command line; its stdout, or exit with its error."""
    done = subprocess.run([zoo] + args, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        sys.exit(f"zoo {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done.stdout


class Zoo:
    name = "zoo"

    def __init__(self, binary, model_file, threads, runs, warmup, warmup_seconds, precision="fp32"):
        self.binary, self.file, self.threads, self.runs, self.warmup = binary, model_file, threads, runs, warmup
        self.warmup_seconds, self.precision = warmup_seconds, precision
        self.name = "zoo" if precision == "fp32" else f"zoo-{precision}"
        self.last_median_ms = {}  # by batch: the previous round's median, which sizes this round's warm-up

    def round(self, batch, x):
        # The ramp lasts a time, not a count of runs: at 4 ms a run, 30 runs (120 ms) can end inside it.
        warmup = self.warmup
        if batch in self.last_median_ms:
            warmup = max(warmup, math.ceil(self.warmup_seconds * 1e3 / self.last_median_ms[batch]))
        out = run_zoo(self.binary, ["bench", "--model", self.file, "--batch", str(batch), "--threads", str(self.threads),
                                    "--warmup", str(warmup), "--runs", str(self.runs), "--precision", self.precision,
                                    "--json"])
        report = json.loads(out)
        self.last_median_ms[batch] = report["latency_ms"]["median"]
        return {"median_ms": report["latency_ms"]["median"], "min_ms": report["latency_ms"]["min"], "report": report}


class TimedRuntime:
    """A runtime in this process: one untimed run, then `runs` timed ones."""

    def round(self, batch, x):
        self.infer(batch, x)
        times = []
        for _ in range(self.runs):
            start = time.perf_counter()
            self.infer(batch, x)
            times.append((time.perf_counter() - start) * 1e3)
        return {"median_ms": statistics.median(times), "min_ms": min(times), "samples_ms": times}


class ONNXRuntime(TimedRuntime):
    name = "ort"

    def __init__(self, path, threads, runs):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        self.session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        self.input = self.session.get_inputs()[0].name
        self.runs = runs

    def infer(self, batch, x):
        return self.session.run(None, {self.input: x})[0]


class OpenVINO(TimedRuntime):
    """forced_f32: INFERENCE_PRECISION_HINT=f32 ("ov"); otherwise its own default ("ov-default")."""

    def __init__(self, path, threads, runs, forced_f32=True):
        import openvino as ov
        self.ov, self.core, self.path, self.threads, self.runs = ov, ov.Core(), path, threads, runs
        self.forced_f32 = forced_f32
        self.name = "ov" if forced_f32 else "ov-default"
        self.compiled = {}  # batch -> infer request (the model reshaped to that static batch)
        self.precision = None  # what the compiled model reports it computes in

    def request(self, batch):
        if batch not in self.compiled:
            model = self.core.read_model(self.path)
            model.reshape([batch, 3, 224, 224])
            config = {"INFERENCE_NUM_THREADS": self.threads, "PERFORMANCE_HINT": "LATENCY"}
            if self.forced_f32:
                config["INFERENCE_PRECISION_HINT"] = "f32"
            compiled = self.core.compile_model(model, "CPU", config)
            hint = compiled.get_property("INFERENCE_PRECISION_HINT")
            self.precision = hint.get_type_name() if hasattr(hint, "get_type_name") else str(hint)  # "bf16", "f32"
            self.compiled = {batch: compiled.create_infer_request()}
        return self.compiled[batch]

    def infer(self, batch, x):
        request = self.request(batch)
        request.infer({0: x})
        return request.get_output_tensor(0).data

    @staticmethod
    def version():
        try:
            import openvino as ov
            return ov.get_version()
        except ImportError:
            return None


def relative_l2(y, reference):
    y, reference = y.astype(np.float64), reference.astype(np.float64)
    return float(np.linalg.norm(y - reference) / np.linalg.norm(reference))


def check_outputs(zoo, model_file, ort_runtime, ov_runtimes, batch, threads, workdir, precisions):
    """zoo's logits at each precision (and each OpenVINO's) against onnxruntime fp32's on one random
    batch: {runtime name: {"rel_l2", "top1_agree"}}, plus "rows"."""
    x = np.random.default_rng(0).standard_normal((batch, 3, 224, 224)).astype(np.float32)
    x_path, y_path = os.path.join(workdir, "x.npy"), os.path.join(workdir, "y.npy")
    np.save(x_path, x)
    reference = ort_runtime.infer(batch, x)

    def against_reference(y):
        return {"rel_l2": relative_l2(y, reference), "top1_agree": int((y.argmax(axis=1) == reference.argmax(axis=1)).sum())}

    result = {"rows": batch}
    for precision in precisions:
        run_zoo(zoo, ["infer", "--model", model_file, "--input", x_path, "-o", y_path, "--threads", str(threads),
                      "--precision", precision])
        result["zoo" if precision == "fp32" else f"zoo-{precision}"] = against_reference(np.load(y_path))
    for ov_runtime in ov_runtimes:
        result[ov_runtime.name] = against_reference(np.array(ov_runtime.infer(batch, x)))
    return result, x


def machine(zoo_report):
    return dict(machine_info(), gemm=zoo_report["gemm"],
                onnxruntime=ort.__version__, openvino=OpenVINO.version())


def prepare(zoo, name, onnx_path, source, workdir):
    """The file zoo benchmarks: the .onnx, or a .zoo converted from it by the zoo under test."""
    if source == "onnx":
        return onnx_path
    zoo_path = os.path.join(workdir, f"{name}.zoo")
    if os.path.exists(zoo_path):
        os.unlink(zoo_path)  # always converted afresh: the file's layout belongs to the zoo under test
    log(f"{name}: zoo convert {onnx_path} -o {zoo_path}")
    run_zoo(zoo, ["convert", onnx_path, "-o", zoo_path])
    return zoo_path


def fmt(x, digits=None):
    if x is None:
        return "-"
    if digits is None:
        digits = 0 if x >= 1000 else (1 if x >= 10 else 2)
    return f"{x:,.{digits}f}"


def print_table(info, settings, rows, loads):
    print(f"Machine: {info['cpu']}, {info['nproc']} usable CPUs ({info['cpus_online']} online), Linux {info['kernel']}; "
          f"zoo GEMM {info['gemm']}{'; zoo bf16 GEMM ' + info['gemm_bf16'] if info.get('gemm_bf16') else ''}; {info['date']}")
    print(f"Runtimes: zoo {settings['zoo']} (benchmarking the {settings['source']} file); onnxruntime {info['onnxruntime']}; "
          f"OpenVINO {info['openvino'] or 'not installed'}; {settings['threads']} threads each")
    print(f"Medians over {settings['rounds']} rounds of the per-round median of {settings['runs']} timed runs "
          f"(zoo: after {settings['zoo_warmup']} untimed in a fresh process, from the second round at least "
          f"{settings['zoo_warmup_seconds']:g} s of them; ort, ov: "
          f"after 1 untimed in a session kept for the whole run), rounds alternate "
          f"{', '.join(settings['order'])}; 1-minute load average {min(loads):.1f} to {max(loads):.1f}")
    print()
    bf16 = "zoo-bf16" in settings["order"]
    ov_default = "ov-default" in settings["order"]
    head = ["model", "batch", "zoo fp32 ms"] + (["zoo bf16 ms"] if bf16 else []) + ["ort ms", "ov f32 ms"]
    head += ["ov default ms (precision)"] if ov_default else []
    head += [f"zoo / best fp32 peer (<= {TARGET_FP32})"]
    head += [f"zoo bf16 / ov default (<= {TARGET_BF16})"] if bf16 and ov_default else []
    head += ["rel L2 zoo fp32", "top-1"]
    head += (["rel L2 zoo bf16"] if bf16 else []) + (["rel L2 ov default"] if ov_default else [])
    head += ["zoo peak RSS MB", "RSS / (weights + 2 act.)", "RSS above the process floor / same"]
    print("| " + " | ".join(head) + " |")
    print("| " + " | ".join(["---"] + ["---:"] * (len(head) - 1)) + " |")
    for r in rows:
        ms, check = r["ms"], r["check"]
        fp32_peers = [v for k, v in ms.items() if k in ("ort", "ov") and v is not None]
        ratio = ms["zoo"] / min(fp32_peers)
        memory = r["zoo_memory"]
        rss_ratio = memory["rss_ratio"]
        rss_cell = f"{rss_ratio:.2f}" + (f" ({'yes' if rss_ratio <= RSS_TARGET else 'no'})" if r["batch"] == 1 else "")
        l2 = check["zoo"]["rel_l2"]
        cells = [r["model"], str(r["batch"]), fmt(ms["zoo"])] + ([fmt(ms["zoo-bf16"])] if bf16 else [])
        cells += [fmt(ms["ort"]), fmt(ms.get("ov"))]
        cells += [f"{fmt(ms['ov-default'])} ({r['ov_default_precision']})"] if ov_default else []
        cells += [f"{ratio:.2f} ({'yes' if ratio <= TARGET_FP32 else 'no'})"]
        if bf16 and ov_default:
            bf16_ratio = ms["zoo-bf16"] / ms["ov-default"]
            cells += [f"{bf16_ratio:.2f} ({'yes' if bf16_ratio <= TARGET_BF16 else 'no'})"]
        cells += [f"{l2:.1e}{'' if l2 <= REL_L2_BAR else ' (over 1e-4!)'}", f"{check['zoo']['top1_agree']}/{check['rows']}"]
        for name in (["zoo-bf16"] if bf16 else []) + (["ov-default"] if ov_default else []):
            cells.append(f"{check[name]['rel_l2']:.1e} (top-1 {check[name]['top1_agree']}/{check['rows']})")
        cells += [f"{memory['peak_rss_bytes'] / 1e6:,.0f}", rss_cell, fmt(memory.get("rss_above_start_ratio"), 2)]
        print("| " + " | ".join(cells) + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zoo", default=".build/release/zoo", help="release build of the zoo command line (default: %(default)s)")
    parser.add_argument("--dir", default=default_dir(), help="where the .onnx (exported if missing) and .zoo files are (default: %(default)s)")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--batches", default="1,8")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds (default: %(default)s)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per runtime per round (default: %(default)s)")
    parser.add_argument("--zoo-warmup", type=int, default=30,
                        help="untimed runs in each fresh zoo process before its timed ones (default: %(default)s)")
    parser.add_argument("--zoo-warmup-seconds", type=float, default=0.5,
                        help="from the second round, also at least this long of untimed runs, by the previous "
                             "round's median (default: %(default)s)")
    parser.add_argument("--source", choices=["zoo", "onnx"], default="zoo",
                        help="benchmark zoo on a .zoo converted from the .onnx (default) or on the .onnx itself")
    parser.add_argument("--no-openvino", action="store_true", help="leave OpenVINO out")
    parser.add_argument("--no-bf16", action="store_true", help="leave out zoo bf16 and OpenVINO at its default precision")
    parser.add_argument("--json", help="also write every measurement here")
    args = parser.parse_args()
    if args.rounds < 1 or args.runs < 1 or args.threads < 1:
        parser.error("--rounds, --runs and --threads must be at least 1")
    zoo = os.path.abspath(args.zoo)
    if not os.access(zoo, os.X_OK):
        parser.error(f"{zoo}: no zoo executable there (swift build -c release --product zoo)")
    use_ov = not args.no_openvino and OpenVINO.version() is not None
    if not args.no_openvino and not use_ov:
        log("warning: openvino is not installed (pip install openvino): its column stays empty")
    models = args.models.split(",")
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        parser.error(f"unknown model {', '.join(unknown)} (one of {', '.join(MODELS)})")
    batches = [int(b) for b in args.batches.split(",")]
    precisions = ["fp32"] if args.no_bf16 else ["fp32", "bf16"]

    onnx_paths = ensure_exported(models, args.dir, log=log)
    workdir = tempfile.mkdtemp(prefix="zoo-compare-")
    rows, loads, info = [], [os.getloadavg()[0]], None
    started = time.monotonic()
    for name in models:
        model_file = prepare(zoo, name, onnx_paths[name], args.source, args.dir)
        ort_runtime = ONNXRuntime(onnx_paths[name], args.threads, args.runs)
        ov_runtimes = [OpenVINO(onnx_paths[name], args.threads, args.runs)] if use_ov else []
        if use_ov and not args.no_bf16:
            ov_runtimes.append(OpenVINO(onnx_paths[name], args.threads, args.runs, forced_f32=False))
        zoos = [Zoo(zoo, model_file, args.threads, args.runs, args.zoo_warmup, args.zoo_warmup_seconds, precision)
                for precision in precisions]
        runtimes = zoos + [ort_runtime] + ov_runtimes
        order = [rt.name for rt in runtimes]
        for batch in batches:
            check, x = check_outputs(zoo, model_file, ort_runtime, ov_runtimes, batch, args.threads, workdir, precisions)
            log(f"{name} batch {batch}: " + ", ".join(f"{k} rel L2 {v['rel_l2']:.2e} top-1 {v['top1_agree']}/{batch}"
                                                      for k, v in check.items() if k != "rows"))
            rounds = {rt.name: [] for rt in runtimes}
            for r in range(args.rounds):
                for rt in runtimes:
                    rounds[rt.name].append(rt.round(batch, x))
                loads.append(os.getloadavg()[0])
                log(f"  round {r + 1}/{args.rounds}: " + ", ".join(f"{k} {v[-1]['median_ms']:.1f} ms" for k, v in rounds.items()))
            zoo_reports = [m.pop("report") for m in rounds["zoo"]]
            bf16_reports = [m.pop("report") for m in rounds.get("zoo-bf16", [])]
            if info is None:
                info = machine(zoo_reports[0])
                info["gemm_bf16"] = bf16_reports[0]["gemm"] if bf16_reports else None
            median = {k: statistics.median(m["median_ms"] for m in v) for k, v in rounds.items()}
            ov_default = next((rt for rt in ov_runtimes if not rt.forced_f32), None)
            rows.append({"model": name, "batch": batch, "ms": median, "check": check,
                         "ov_default_precision": ov_default.precision if ov_default else None,
                         # paired within each round, so a slow phase of the machine cancels out
                         "zoo_ort_ratio_per_round_median": statistics.median(
                             z["median_ms"] / o["median_ms"] for z, o in zip(rounds["zoo"], rounds["ort"])),
                         "zoo_memory": max((z["memory"] for z in zoo_reports), key=lambda m: m["peak_rss_bytes"]),
                         "zoo_gflops_per_image": zoo_reports[0]["gflops_per_image"], "rounds": rounds})
        del ort_runtime, ov_runtimes, runtimes
    for leftover in ("x.npy", "y.npy"):
        if os.path.exists(os.path.join(workdir, leftover)):
            os.unlink(os.path.join(workdir, leftover))
    os.rmdir(workdir)

    settings = {"zoo": zoo, "source": "." + args.source, "threads": args.threads, "rounds": args.rounds, "runs": args.runs,
                "zoo_warmup": args.zoo_warmup, "zoo_warmup_seconds": args.zoo_warmup_seconds, "order": order}
    print()
    print_table(info, settings, rows, loads)
    log(f"\n(took {(time.monotonic() - started) / 60:.1f} minutes)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "settings": settings, "load_average_1min": loads, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
