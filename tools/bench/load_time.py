#!/usr/bin/env python3
"""Load-time benchmark (issue 6), run by hand, never by CI: how long from process start until a
model is ready to run, for zoo on a .zoo file, zoo importing the source .onnx, and onnxruntime
creating a session on the same .onnx. Full-size torchvision ResNet50 and VGG16, random weights.

Usage (in the venv of tools/bench/requirements.txt, from the repository root):
    swift build -c release --product zoo --scratch-path .build-bench
    swift build -c release --package-path tools/bench/LoadTimer --scratch-path .build-bench-timer   # optional
    python tools/bench/load_time.py --zoo .build-bench/release/zoo \\
        [--load-timer .build-bench-timer/release/zoo-load-timer] [--dir /tmp/zoo-bench-load] \\
        [--models resnet50,vgg16] [--runs 7] [--json results.json]

What is measured (see tools/bench/README.md for the reasoning):
  zoo info M           `zoo info` loads the model (import or .zoo map, graph optimisation), builds
                       the executor and its batch-1 plan, prints a summary and exits: process
                       start to model ready, plus a summary nobody asked for (nothing measurable:
                       `zoo info M.zoo` comes out at the process floor plus the in-process load).
  zoo infer M          the same plus one batch-1 inference on a 1x3x224x224 input, written to .npy:
                       process start to first result. Nothing is subtracted.
  ort session          `ort.InferenceSession(path)` inside this Python process, which has created
                       sessions before (so onnxruntime's one-time setup is not counted).
  ort process ready    a fresh `python -c`: import onnxruntime, create the session, exit.
  ort process infer    the same plus one run on the same input.
  zoo in-process load  (with --load-timer) zoo's library loading the .zoo inside one process,
                       as `ort session` is: the first load in a fresh process, and the median of
                       repeated loads after it; also the first and second inference.
  floors               `/bin/true` (the launcher), `zoo info tiny-cnn` (a built-in 2-layer model:
                       process start, dynamic linking, runtime start), `python -c "import onnxruntime"`.
Each subprocess is started with posix_spawn (through GNU time, for peak RSS and page faults) and
reaped with wait4 (CPU time, user + sys); wall time is this process's monotonic clock. The .zoo
files are always converted afresh by the zoo under test. Files are in the page cache (one
untimed warm-up round first); cold-cache loads are not measured. Methods alternate within each round, in an
order rotated every round, so slow phases of a shared machine spread over all of them.
"""
import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnxruntime as ort

from export_models import export  # the same files as compare.py and tools/onnx/check_fullsize.py
from machine_info import machine_info

MODELS = ["resnet50", "vgg16"]
HAVE_GNU_TIME = os.access("/usr/bin/time", os.X_OK)

ORT_CHILD = r"""
import json, os, sys, time
t0 = time.monotonic_ns()
import onnxruntime as ort
t1 = time.monotonic_ns()
session = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"]) if len(sys.argv) > 1 else None
t2 = time.monotonic_ns()
out = {"python_start_ms": (t0 - int(os.environ["ZOO_BENCH_SPAWN_NS"])) / 1e6, "import_ms": (t1 - t0) / 1e6,
       "session_ms": (t2 - t1) / 1e6 if session else None}
if len(sys.argv) > 2:
    import numpy as np
    x = np.load(sys.argv[2])
    t3 = time.monotonic_ns()
    session.run(None, {session.get_inputs()[0].name: x})
    out["run_ms"] = (time.monotonic_ns() - t3) / 1e6
print(json.dumps(out))
"""


GNU_TIME = "/usr/bin/time"


def spawn(argv, stdout_path=os.devnull, env=None):
    """Runs argv to completion; returns wall and CPU ms, peak RSS (MB) and page faults.

    Peak RSS and page faults come from GNU time (apt package `time`), which starts the program:
    wait4's own ru_maxrss would be wrong here, because a child started from this process by
    vfork/posix_spawn inherits this process's high-water mark at exec. CPU time (user + sys) is
    wait4's, which includes GNU time's own (well under a millisecond) and the program's.
    """
    tmp = tempfile.mkdtemp(prefix="zoo-bench-")
    err, usage_file = os.path.join(tmp, "stderr"), os.path.join(tmp, "usage")
    wrapped = [GNU_TIME, "-f", "%M %R %F", "-o", usage_file] + argv if HAVE_GNU_TIME else argv
    env = dict(os.environ if env is None else env)
    start = time.monotonic_ns()
    env["ZOO_BENCH_SPAWN_NS"] = str(start)
    pid = os.posix_spawn(wrapped[0], wrapped, env, file_actions=[
        (os.POSIX_SPAWN_OPEN, 1, stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)])
    _, status, usage = os.wait4(pid, 0)
    wall = (time.monotonic_ns() - start) / 1e6
    with open(err) as f:
        stderr = f.read()
    code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(argv)} exited with {code}:\n{stderr}")
    result = {"wall_ms": wall, "cpu_ms": (usage.ru_utime + usage.ru_stime) * 1e3}
    if HAVE_GNU_TIME:
        with open(usage_file) as f:
            rss_kb, minflt, majflt = (int(v) for v in f.read().split()[-3:])
        result.update(rss_mb=rss_kb / 1024, minflt=minflt, majflt=majflt)
    for name in os.listdir(tmp):
        os.unlink(os.path.join(tmp, name))
    os.rmdir(tmp)
    return result


def spawn_json(argv):
    """spawn() of a program that prints one JSON object; its fields are merged into the result."""
    out = tempfile.NamedTemporaryFile(prefix="zoo-bench-", suffix=".json", delete=False)
    out.close()
    result = spawn(argv, stdout_path=out.name)
    with open(out.name) as f:
        result["child"] = json.loads(f.read())
    os.unlink(out.name)
    return result


def ort_session_in_process(path):
    gc.collect()
    cpu0, t0 = time.process_time(), time.monotonic_ns()
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    wall = (time.monotonic_ns() - t0) / 1e6
    cpu = (time.process_time() - cpu0) * 1e3
    del session
    gc.collect()
    return {"wall_ms": wall, "cpu_ms": cpu}


def machine():
    return dict(machine_info(), onnxruntime=ort.__version__)


def methods(zoo, timer, files):
    """(key, label, thunk) for one model; each thunk returns a measurement dict."""
    py = sys.executable
    out_npy = os.path.join(files["dir"], "y.npy")
    m = [
        ("zoo_info_zoo", "zoo info M.zoo", lambda: spawn([zoo, "info", files["zoo"]])),
        ("zoo_info_onnx", "zoo info M.onnx", lambda: spawn([zoo, "info", files["onnx"]])),
        ("zoo_infer_zoo", "zoo infer M.zoo (batch 1)",
         lambda: spawn([zoo, "infer", "--model", files["zoo"], "--input", files["x"], "-o", out_npy])),
        ("zoo_infer_onnx", "zoo infer M.onnx (batch 1)",
         lambda: spawn([zoo, "infer", "--model", files["onnx"], "--input", files["x"], "-o", out_npy])),
        ("ort_session", "ort.InferenceSession (in process)", lambda: ort_session_in_process(files["onnx"])),
        ("ort_proc_ready", "python: import ort + session", lambda: spawn_json([py, "-c", ORT_CHILD, files["onnx"]])),
        ("ort_proc_infer", "python: import ort + session + run",
         lambda: spawn_json([py, "-c", ORT_CHILD, files["onnx"], files["x"]])),
    ]
    if timer:
        m.append(("zoo_timer", "zoo in-process load of M.zoo",
                  lambda: spawn_json([timer, files["zoo"], "--input", files["x"], "--repeat", "5"])))
    return m


def floors(zoo):
    py = sys.executable
    return [
        ("floor_launch", "launch only: /bin/true", lambda: spawn(["/bin/true"])),
        ("floor_zoo", "zoo info tiny-cnn (process floor)", lambda: spawn([zoo, "info", "tiny-cnn"])),
        ("floor_ort", "python: import onnxruntime only", lambda: spawn_json([py, "-c", ORT_CHILD])),
    ]


def summarise(values):
    values = [v for v in values if v is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "n": len(values)}


def fmt(x, digits=None):
    if x is None:
        return "-"
    if digits is None:
        digits = 0 if x >= 100 else (1 if x >= 10 else 2)
    return f"{x:,.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--zoo", help="a release build of the zoo command line (required unless --report)")
    parser.add_argument("--load-timer", help="tools/bench/LoadTimer's zoo-load-timer (optional)")
    parser.add_argument("--dir", default=os.path.join(tempfile.gettempdir(), "zoo-bench-load"),
                        help="where the .onnx, .zoo and input files are made or reused")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--runs", type=int, default=7, help="timed rounds (after one untimed warm-up round)")
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--json", help="also write every measurement here")
    parser.add_argument("--report", metavar="JSON", help="only print the tables of a run saved with --json")
    args = parser.parse_args()
    if args.report:
        with open(args.report) as f:
            saved = json.load(f)
        plan = [(n, k, label, None) for n, k, label in saved["plan"]]
        results = {(n, k): saved["results"][f"{n}/{k}"] for n, k, _ in saved["plan"]}
        args.runs = saved["runs"]
        report(saved["machine"], saved["models"], plan, results, saved["load_average_1min"], args, saved["zoo"], saved["timer"])
        return
    if not args.zoo:
        parser.error("--zoo is required")
    if not HAVE_GNU_TIME:
        print("warning: no /usr/bin/time (apt-get install time): peak RSS is not measured", file=sys.stderr)
    zoo = os.path.abspath(args.zoo)
    timer = os.path.abspath(args.load_timer) if args.load_timer else None
    os.makedirs(args.dir, exist_ok=True)

    models = {}
    for name in args.models.split(","):
        files = {"dir": args.dir, "onnx": os.path.join(args.dir, f"{name}.onnx"),
                 "zoo": os.path.join(args.dir, f"{name}.zoo"), "x": os.path.join(args.dir, "x.npy")}
        if os.path.exists(files["onnx"]):
            print(f"{name}: reusing {files['onnx']}", flush=True)
        else:
            print(f"{name}: exporting {files['onnx']} (opset {args.opset}, random weights)", flush=True)
            export(name, files["onnx"], args.opset)
        # Always converted by the zoo under test: the file's layout is part of what is measured.
        # Removed first: `zoo convert` over an existing output fails (and deletes it) on Linux,
        # where FileManager.replaceItemAt does not work (Sources/ZooFormat/ZooFileWriter.swift).
        if os.path.exists(files["zoo"]):
            os.unlink(files["zoo"])
        print(f"{name}: {zoo} convert {files['onnx']} -o {files['zoo']}", flush=True)
        subprocess.run([zoo, "convert", files["onnx"], "-o", files["zoo"]], check=True, stdout=subprocess.DEVNULL)
        if not os.path.exists(files["x"]):
            np.save(files["x"], np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(np.float32))
        files["onnx_bytes"], files["zoo_bytes"] = os.path.getsize(files["onnx"]), os.path.getsize(files["zoo"])
        models[name] = files

    info = machine()
    plan = [(name, key, label, thunk) for name, files in models.items() for key, label, thunk in methods(zoo, timer, files)]
    plan += [("floor", key, label, thunk) for key, label, thunk in floors(zoo)]
    results = {(name, key): [] for name, key, _, _ in plan}
    loads = []
    print(f"warm-up round, then {args.runs} timed rounds of {len(plan)} measurements", flush=True)
    for r in range(args.runs + 1):
        loads.append(os.getloadavg()[0])
        shift = r % len(plan)
        for name, key, label, thunk in plan[shift:] + plan[:shift]:
            m = thunk()
            if r > 0:
                results[(name, key)].append(m)
        print(f"  round {r}{' (warm-up)' if r == 0 else ''} done, load average {loads[-1]:.2f}", flush=True)
    loads.append(os.getloadavg()[0])

    report(info, models, plan, results, loads, args, zoo, timer)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"machine": info, "runs": args.runs, "load_average_1min": loads, "zoo": zoo, "timer": timer,
                       "models": models, "plan": [(n, k, label) for n, k, label, _ in plan],
                       "results": {f"{n}/{k}": v for (n, k), v in results.items()}}, f, indent=1)


def child(ms, *keys):
    """A field of the child's JSON output, per measurement."""
    out = []
    for m in ms:
        v = m.get("child", {})
        for k in keys:
            v = v[k] if isinstance(v, dict) and k in v else None
        out.append(v)
    return out


def report(info, models, plan, results, loads, args, zoo, timer):
    print()
    print(f"Machine: {info['nproc']} CPUs, {info['cpu']}, Linux {info['kernel']}; {info['date']}; "
          f"onnxruntime {info['onnxruntime']}, Python {info['python']}")
    print(f"Runs: {args.runs} timed rounds after a warm-up, files in the page cache; "
          f"1-minute load average {min(loads):.1f} to {max(loads):.1f} during the run")
    print(f"zoo: {zoo}")
    print()
    print("| model | what | wall ms, median | min | max | CPU ms, median | peak RSS MB | minor faults |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, key, label, _ in plan:
        ms = results[(name, key)]
        if key == "zoo_timer":
            continue
        wall, cpu = summarise([m["wall_ms"] for m in ms]), summarise([m["cpu_ms"] for m in ms])
        rss, faults = summarise([m.get("rss_mb") for m in ms]), summarise([m.get("minflt") for m in ms])
        print(f"| {name} | {label} | {fmt(wall['median'])} | {fmt(wall['min'])} | {fmt(wall['max'])} | "
              f"{fmt(cpu['median'])} | {fmt(rss['median'] if rss else None)} | {fmt(faults['median'] if faults else None, 0)} |")
    print()
    if timer:
        print("zoo in-process (zoo-load-timer, wall ms: median [min, max] over rounds):")
        print("| model | spawn to main | first load in process | later loads (median of 5) | "
              "of which import_graph / optimize / plan | first run | second run |")
        print("| --- | ---: | ---: | ---: | --- | ---: | ---: |")
        for name in models:
            ms = results[(name, "zoo_timer")]

            def cell(values):
                s = summarise(values)
                return f"{fmt(s['median'])} [{fmt(s['min'])}, {fmt(s['max'])}]" if s else "-"
            later = [statistics.median(r["total_ms"] for r in m["child"]["repeat"]) for m in ms]
            parts = "/".join(fmt(statistics.median(statistics.median(r[k] for r in m["child"]["repeat"]) for m in ms))
                             for k in ("import_graph_ms", "optimize_ms", "plan_ms"))
            print(f"| {name} | {cell(child(ms, 'spawn_to_main_ms'))} | {cell(child(ms, 'first', 'total_ms'))} | "
                  f"{cell(later)} | {parts} | {cell(child(ms, 'run1_ms'))} | {cell(child(ms, 'run2_ms'))} |")
        print()
    print("Inside the onnxruntime processes (median ms): python start / import onnxruntime / session / run")
    for name in list(models) + ["floor"]:
        for key in ("ort_proc_ready", "ort_proc_infer", "floor_ort"):
            ms = results.get((name, key))
            if not ms:
                continue
            parts = [summarise(child(ms, k)) for k in ("python_start_ms", "import_ms", "session_ms", "run_ms")]
            print(f"  {name} {key}: " + " / ".join(fmt(p["median"]) if p else "-" for p in parts))
    print()
    print("zoo against onnxruntime, wall ms: median (min); ratio of medians (ratio of minima)")
    print("| model | .onnx / .zoo MB | comparison | onnxruntime | zoo on the .zoo | zoo / onnxruntime | under 5%? |")
    print("| --- | --- | --- | ---: | ---: | ---: | --- |")
    for name, files in models.items():
        wall = lambda key: summarise([m["wall_ms"] for m in results[(name, key)]])
        rows = []
        if timer:
            timed = results[(name, "zoo_timer")]
            later = summarise([statistics.median(r["total_ms"] for r in m["child"]["repeat"]) for m in timed])
            rows.append(("load in an already warm process: ort.InferenceSession vs zoo's load", wall("ort_session"), later))
            rows.append(("first load in a fresh process (session timed inside `python: import ort + session`)",
                         summarise(child(results[(name, "ort_proc_ready")], "session_ms")),
                         summarise(child(timed, "first", "total_ms"))))
        rows.append(("process start to model ready: `python: import ort + session` vs `zoo info M.zoo`",
                     wall("ort_proc_ready"), wall("zoo_info_zoo")))
        rows.append(("zoo's process start to ready against the in-process ort.InferenceSession",
                     wall("ort_session"), wall("zoo_info_zoo")))
        sizes = f"{files['onnx_bytes'] / 1e6:,.1f} / {files['zoo_bytes'] / 1e6:,.1f}"
        for label, o, z in rows:
            print(f"| {name} | {sizes} | {label} | {fmt(o['median'])} ({fmt(o['min'])}) | {fmt(z['median'])} ({fmt(z['min'])}) | "
                  f"{100 * z['median'] / o['median']:.1f}% ({100 * z['min'] / o['min']:.1f}%) | "
                  f"{'yes' if z['median'] < 0.05 * o['median'] else 'no'} |")


if __name__ == "__main__":
    main()
