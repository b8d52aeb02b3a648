#!/usr/bin/env python3
"""Full-size torchvision models with random weights, run by zoo and by PyTorch (by hand).

    swift build -c release --product zoo
    /work/.venv-onnx/bin/python tools/pytorch/check_fullsize.py --zoo .build/release/zoo [--legacy] [MODEL ...]

For each model (default: resnet18 resnet50 vgg16 mobilenet_v2) this builds torchvision's model
with random weights and biases, BatchNorm statistics calibrated on random data then perturbed
(as make_torchvision_fixtures.py does), saves its state dict with torch.save (the zip layout;
`--legacy` adds the pre-1.6 layout), feeds the same random [1, 3, 224, 224] tensor to PyTorch
and to `zoo infer --arch tv-<model>`, and prints the relative L2 error of zoo's logits, whether
the top-1 class agrees, and for scale PyTorch's own float32 error against float64. The checkpoints
(up to 550 MB for VGG16) go to a temporary folder that is removed afterwards.
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch
import torchvision

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_torchvision_fixtures import randomise  # noqa: E402

ZOO_NAMES = {"resnet18": "tv-resnet18", "resnet34": "tv-resnet34", "resnet50": "tv-resnet50",
             "vgg16": "tv-vgg16", "vgg19": "tv-vgg19", "mobilenet_v2": "tv-mobilenetv2"}


def relative_l2(a, b):
    return float(np.linalg.norm(a.astype(np.float64) - b) / max(np.linalg.norm(b.astype(np.float64)), 1e-30))


def check(name, zoo, folder, layouts, gen):
    model = getattr(torchvision.models, name)()
    # torchvision's own N(0, 0.01) Linear weights: widened ones would saturate the logits.
    randomise(model, gen, [1, 3, 224, 224], widen_linear=False)
    x = torch.randn(1, 3, 224, 224, generator=gen)
    with torch.no_grad():
        reference = model(x).numpy()
        exact = model.double()(x.double()).numpy()
        model.float()
    rounding = relative_l2(reference, exact)
    x_path = os.path.join(folder, "x.npy")
    np.save(x_path, x.numpy())
    rows = []
    for layout in layouts:
        pth = os.path.join(folder, f"{name}_{layout}.pth")
        torch.save(model.state_dict(), pth, _use_new_zipfile_serialization=(layout == "zip"))
        y_path = os.path.join(folder, "y.npy")
        start = time.monotonic()
        run = subprocess.run([zoo, "infer", "--model", pth, "--arch", ZOO_NAMES[name], "--input", x_path, "-o", y_path],
                             capture_output=True, text=True)
        seconds = time.monotonic() - start
        if run.returncode != 0:
            rows.append((name, layout, None, None, rounding, seconds, run.stderr.strip()))
        else:
            y = np.load(y_path)
            rows.append((name, layout, relative_l2(y, reference), int(y.argmax()) == int(reference.argmax()), rounding, seconds, ""))
            os.remove(y_path)
        os.remove(pth)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("models", nargs="*", default=["resnet18", "resnet50", "vgg16", "mobilenet_v2"],
                        help=f"torchvision names: {', '.join(ZOO_NAMES)}")
    parser.add_argument("--zoo", default=".build/release/zoo", help="the zoo executable")
    parser.add_argument("--legacy", action="store_true", help="also check the legacy (pre-1.6) checkpoint layout")
    args = parser.parse_args()
    unknown = [m for m in args.models if m not in ZOO_NAMES]
    if unknown:
        parser.error(f"unknown model {', '.join(unknown)} (known: {', '.join(ZOO_NAMES)})")
    layouts = ["zip", "legacy"] if args.legacy else ["zip"]
    gen = torch.Generator().manual_seed(7)
    torch.manual_seed(7)
    print(f"torch {torch.__version__}, torchvision {torchvision.__version__}")
    print(f"{'model':<14}{'layout':<8}{'relative L2':>13}  top-1  {'fp32 vs fp64':>12}  zoo seconds")
    failed = False
    with tempfile.TemporaryDirectory(prefix="zoo-fullsize-") as folder:
        for name in args.models:
            for model, layout, error, same, rounding, seconds, message in check(name, args.zoo, folder, layouts, gen):
                if error is None:
                    failed = True
                    print(f"{model:<14}{layout:<8}{'failed':>13}  {message}")
                    continue
                failed |= error > 1e-4 or not same
                print(f"{model:<14}{layout:<8}{error:>13.2e}  {'same' if same else 'DIFF':<5}  {rounding:>12.2e}  {seconds:.1f}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
