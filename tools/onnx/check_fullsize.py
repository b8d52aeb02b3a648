#!/usr/bin/env python3
"""Full-size check, run by hand (not in CI): exports torchvision resnet18, resnet50, vgg16,
vgg19 and mobilenet_v2 with random weights (BatchNorm statistics randomised too), runs them in
onnxruntime, then runs the Swift test ONNXFullSizeTests on the same files, which imports each
model, feeds the same input and prints the relative L2 error and whether the top-1 matches.

Usage: python tools/onnx/check_fullsize.py [--opset 17] [--dir /tmp/zoo-onnx-fullsize]
       [--models resnet18,vgg16] [--no-swift]
Packages: tools/onnx/requirements.txt. Needs about 1.5 GB of disk for the exported files.
"""
import argparse
import os
import subprocess
import sys
import warnings

import numpy as np
import onnxruntime as ort
import torch
import torchvision
from onnx import numpy_helper

MODELS = ["resnet18", "resnet50", "vgg16", "vgg19", "mobilenet_v2"]
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "bench"))
from export_models import randomise  # noqa: E402  (the benchmarks export the same models)


def save_tensor(array, path):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(np.ascontiguousarray(array)).SerializeToString())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--dir", default="/tmp/zoo-onnx-fullsize")
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--no-swift", action="store_true", help="only export and run onnxruntime")
    args = parser.parse_args()
    os.makedirs(args.dir, exist_ok=True)
    for name in args.models.split(","):
        torch.manual_seed(sum(map(ord, name)))
        model = getattr(torchvision.models, name)(weights=None).eval()
        randomise(model)
        x = torch.randn(1, 3, 224, 224)
        path = os.path.join(args.dir, f"{name}.onnx")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # The exporter's defaults (inference mode, constant folding), as a user would export.
            torch.onnx.export(model, (x,), path, opset_version=args.opset, dynamo=False,
                              input_names=["input"], output_names=["logits"],
                              dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
        session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
        (y,) = session.run(None, {"input": x.numpy()})
        save_tensor(x.numpy(), os.path.join(args.dir, f"{name}_input.pb"))
        save_tensor(y, os.path.join(args.dir, f"{name}_output.pb"))
        print(f"{name}: exported at opset {args.opset}, onnxruntime top-1 {int(y.argmax())}", flush=True)
    if args.no_swift:
        return
    env = dict(os.environ, ZOO_ONNX_FULLSIZE_DIR=args.dir)
    command = ["swift", "test", "--scratch-path", os.path.join(ROOT, ".build-onnx"), "--filter", "ONNXFullSizeTests"]
    sys.exit(subprocess.call(command, cwd=ROOT, env=env))


if __name__ == "__main__":
    main()
