#!/usr/bin/env python3
"""Exports the real EfficientNet-Lite0 to ONNX with torch.onnx.export and checks zoo against PyTorch.

The exported files are ~19 MB each, so they are made here, by hand, not committed. Run in a venv
with torch, onnx and the package that defines the model (the weights come from zoo's cache,
where `zoo fetch efficientnet-lite0` or tools/setup put them):
    pip install torch onnx numpy pillow
    pip install --no-deps efficientnet-lite-pytorch
    python tools/onnx/export_efficientnet.py OUT                 # export + PyTorch reference
    python tools/onnx/export_efficientnet.py OUT --check .build/debug/zoo   # run zoo infer, compare

It writes, in OUT:
    efficientnet-lite0-fixed.onnx     batch fixed at 2 (opset 13, TorchScript exporter)
    efficientnet-lite0-dynamic.onnx   dynamic batch axis "batch" (opset 13)
    x.npy                             the four sample photos' 224x224 crops, lite normalisation, NCHW
    x2.npy                            the first two of them (for the fixed-batch file)
    torch.npy, torch2.npy             PyTorch's logits on them
With --check, it runs `zoo infer` on each file and prints the relative L2 error of the logits
and whether the top-1 class agrees on every image (zoo's bar: <= 1e-4 and the same top-1).
The model's TF-style "same" padding (Conv2dStaticSamePadding) is exported as a Pad whose pads
are computed by a ConstantOfShape/Concat/Reshape/Slice/Transpose/Cast subgraph.
"""
import os
import subprocess
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "pytorch"))
from efficientnet_reference import SAMPLES, crop, lite_norm  # noqa: E402
from efficientnet_lite_pytorch import EfficientNet  # noqa: E402

WEIGHTS = os.path.expanduser(os.environ.get("ZOO_EFFICIENTNET_WEIGHTS", "~/.cache/zoo/weights/efficientnet-lite0-57934424.pth"))


def export(out):
    os.makedirs(out, exist_ok=True)
    model = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=WEIGHTS)
    model.eval()
    x = np.stack([lite_norm(crop(os.path.join("zoo", "samples", n))).transpose(2, 0, 1) for n in SAMPLES]).astype(np.float32)
    np.save(os.path.join(out, "x.npy"), x)
    np.save(os.path.join(out, "x2.npy"), x[:2])
    with torch.no_grad():
        np.save(os.path.join(out, "torch.npy"), model(torch.from_numpy(x)).numpy())
        np.save(os.path.join(out, "torch2.npy"), model(torch.from_numpy(x[:2])).numpy())
    sample = torch.from_numpy(x[:2])
    common = dict(input_names=["input"], output_names=["logits"], opset_version=13, dynamo=False)
    torch.onnx.export(model, (sample,), os.path.join(out, "efficientnet-lite0-fixed.onnx"), **common)
    torch.onnx.export(model, (sample,), os.path.join(out, "efficientnet-lite0-dynamic.onnx"),
                      dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, **common)
    print("wrote", out)


def check(out, zoo):
    ok = True
    for name, x, ref in [("fixed", "x2.npy", "torch2.npy"), ("dynamic", "x.npy", "torch.npy"), ("dynamic", "x2.npy", "torch2.npy")]:
        model = os.path.join(out, f"efficientnet-lite0-{name}.onnx")
        y = os.path.join(out, f"zoo-{name}-{x}")
        subprocess.run([zoo, "infer", "--model", model, "--input", os.path.join(out, x), "-o", y], check=True)
        a, e = np.load(y).astype(np.float64), np.load(os.path.join(out, ref)).astype(np.float64)
        rel = np.linalg.norm(a - e) / np.linalg.norm(e)
        same = bool((a.argmax(1) == e.argmax(1)).all())
        ok &= rel <= 1e-4 and same
        print(f"{name:8s} {x:7s} batch {a.shape[0]}: relative L2 {rel:.2e}, top-1 {'same' if same else 'DIFFERS'} {list(a.argmax(1))}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--check" in args:
        i = args.index("--check")
        check(args[0], args[i + 1])
    else:
        export(args[0] if args else "/tmp/zoo-efficientnet-onnx")
