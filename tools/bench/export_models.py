#!/usr/bin/env python3
"""Exports the models of the speed comparison (issue 9) to ONNX: torchvision resnet18, resnet50,
vgg16 and mobilenet_v2 with random weights and randomised BatchNorm statistics (fixed seeds:
the same files as tools/onnx/check_fullsize.py and load_time.py make), opset 17, batch axis
dynamic, input "input" NCHW 1x3x224x224, output "logits".

Usage (in the venv of tools/bench/requirements.txt, from the repository root):
    python tools/bench/export_models.py [--dir DIR] [--models resnet18,vgg16] [--opset 17] [--force]
DIR defaults to $ZOO_BENCH_DIR, else /tmp/zoo-bench (about 780 MB for the four; never in git).
Files already there are kept unless --force.
"""
import argparse
import os
import tempfile
import warnings

MODELS = ["resnet18", "resnet50", "vgg16", "mobilenet_v2"]


def default_dir():
    return os.environ.get("ZOO_BENCH_DIR") or os.path.join(tempfile.gettempdir(), "zoo-bench")


def randomise(model):
    """Random BatchNorm statistics and affine parameters: a fresh model's are 0/1, which would
    let a wrong batch-norm fold go unnoticed."""
    import torch
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)


def export(name, path, opset=17):
    """torchvision model `name`, random weights (seed from the name), to `path` (written whole or not at all)."""
    import torch
    import torchvision
    torch.manual_seed(sum(map(ord, name)))
    model = getattr(torchvision.models, name)(weights=None).eval()
    randomise(model)
    x = torch.randn(1, 3, 224, 224)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (x,), path + ".part", opset_version=opset, dynamo=False,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}})
    os.replace(path + ".part", path)


def ensure_exported(names, directory, opset=17, force=False, log=print):
    """Path of each model's .onnx in `directory`, exporting those that are missing (or all, with force)."""
    os.makedirs(directory, exist_ok=True)
    paths = {}
    for name in names:
        path = os.path.join(directory, f"{name}.onnx")
        if os.path.exists(path) and not force:
            log(f"{name}: reusing {path}")
        else:
            log(f"{name}: exporting {path} (opset {opset}, random weights)")
            export(name, path, opset)
        paths[name] = path
    return paths


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dir", default=default_dir(), help="where the .onnx files go (default: %(default)s)")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated torchvision names")
    parser.add_argument("--opset", type=int, default=17)
    parser.add_argument("--force", action="store_true", help="export again over existing files")
    args = parser.parse_args()
    for name, path in ensure_exported(args.models.split(","), args.dir, args.opset, args.force).items():
        print(f"{name}: {path} ({os.path.getsize(path) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
