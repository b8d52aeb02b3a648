#!/usr/bin/env python3
"""Writes the tiny torchvision fixtures of Tests/ZooPyTorchTests/Fixtures/torchvision.

    /work/.venv-onnx/bin/python tools/pytorch/make_torchvision_fixtures.py Tests/ZooPyTorchTests/Fixtures/torchvision

Needs torch and torchvision. Each architecture zoo defines from torchvision is built with
torchvision's own classes at reduced widths, so every parameter keeps torchvision's name
(checked here against the full-size model's state dict, key for key). Biases and BatchNorm
parameters are random, running statistics are calibrated on random data then perturbed, and
the state dict is saved with torch.save in both layouts: `<arch>_zip.pth` (the default) and
`<arch>_legacy.pth` (_use_new_zipfile_serialization=False).

The input is not stored: it is the integer pattern of `tiny_input` below, computed the same
way by the Swift tests, exact in float32. `expected.json` holds PyTorch's logits for it.
Also written: a DataParallel training checkpoint (`module.` prefixes inside a `state_dict`
wrapper) and a VGG16 with one key missing, one extra and one mis-shaped.
"""
import collections
import copy
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision
from torchvision.models.mobilenetv2 import MobileNetV2
from torchvision.models.resnet import BasicBlock, Bottleneck, ResNet
from torchvision.models.vgg import VGG, make_layers
from torchvision.ops.misc import Conv2dNormActivation


class NarrowResNet(ResNet):
    """torchvision's ResNet with a chosen stem and stage widths.

    ResNet.__init__ fixes 64/128/256/512 planes (and BasicBlock refuses width_per_group), so
    this sets the same attributes with smaller numbers and lets ResNet._make_layer build the
    stages: the modules, and so the parameter names, are torchvision's.
    """

    def __init__(self, block, layers, stem, planes, num_classes):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes, self.dilation, self.groups, self.base_width = stem, 1, 1, 64
        self.conv1 = nn.Conv2d(3, stem, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(stem)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(block, planes[0], layers[0])
        self.layer2 = self._make_layer(block, planes[1], layers[1], stride=2)
        self.layer3 = self._make_layer(block, planes[2], layers[2], stride=2)
        self.layer4 = self._make_layer(block, planes[3], layers[3], stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(planes[3] * block.expansion, num_classes)


def narrow_vgg(convs_per_block, widths, hidden, num_classes):
    """torchvision's VGG (make_layers + VGG) with narrow convs and a narrow classifier.

    VGG.__init__ hard-codes a 25088 -> 4096 -> 4096 classifier; it is swapped for the same
    Sequential (Linear, ReLU, Dropout, Linear, ReLU, Dropout, Linear) at `hidden` wide.
    """
    cfg = []
    for count, width in zip(convs_per_block, widths):
        cfg += [width] * count + ["M"]
    model = VGG(make_layers(cfg), num_classes=num_classes)
    model.classifier = nn.Sequential(
        nn.Linear(widths[-1] * 7 * 7, hidden), nn.ReLU(True), nn.Dropout(),
        nn.Linear(hidden, hidden), nn.ReLU(True), nn.Dropout(),
        nn.Linear(hidden, num_classes))
    return model


def narrow_mobilenet_v2(num_classes):
    """torchvision's MobileNetV2 at width 0.25 (rounded to 4) with the paper's repeats and
    strides but smaller channels and expansions, and features.18 narrowed from 1280 to 16."""
    setting = [[1, 16, 1, 1], [6, 16, 2, 2], [2, 16, 3, 2], [2, 32, 4, 2], [3, 32, 3, 1], [2, 32, 3, 2], [2, 48, 1, 1]]
    model = MobileNetV2(num_classes=num_classes, width_mult=0.25, round_nearest=4, inverted_residual_setting=setting)
    model.features[18] = Conv2dNormActivation(12, 16, kernel_size=1, activation_layer=nn.ReLU6)
    model.classifier[1] = nn.Linear(16, num_classes)
    return model


# name: (tiny model factory, full-size torchvision factory, input [N, C, H, W])
ARCHITECTURES = {
    "tv-resnet18": (lambda: NarrowResNet(BasicBlock, [2, 2, 2, 2], 4, [4, 4, 4, 8], 10),
                    torchvision.models.resnet18, [2, 3, 57, 57]),
    "tv-resnet34": (lambda: NarrowResNet(BasicBlock, [3, 4, 6, 3], 4, [4, 4, 4, 4], 10),
                    torchvision.models.resnet34, [2, 3, 64, 64]),
    "tv-resnet50": (lambda: NarrowResNet(Bottleneck, [3, 4, 6, 3], 4, [2, 2, 2, 4], 10),
                    torchvision.models.resnet50, [2, 3, 57, 57]),
    # VGG at 224 (the adaptive pool is the identity) and 448 (it is a 2x2 average pool).
    "tv-vgg16": (lambda: narrow_vgg([2, 2, 3, 3, 3], [4, 4, 4, 4, 4], 12, 10), torchvision.models.vgg16, [2, 3, 224, 224]),
    "tv-vgg19": (lambda: narrow_vgg([2, 2, 4, 4, 4], [2, 4, 4, 4, 4], 12, 10), torchvision.models.vgg19, [1, 3, 448, 448]),
    "tv-mobilenetv2": (lambda: narrow_mobilenet_v2(10), torchvision.models.mobilenet_v2, [2, 3, 57, 57]),
}


def tiny_input(shape):
    """The test input, computed the same way by the Swift tests and exact in float32:

        x[n, c, h, w] = (byte // 4 - 32 + 2 * ((((h * (n + 1) + w * (c + 2)) * (n + c + 1)) % 64) - 32)) / 64
        byte = ((i * 2654435761) mod 2^32) >> 24, i the element's flat NCHW index

    scrambled noise over a ramp that differs per image and channel, so that globally pooled
    features (and so the logits) depend on the image, not only on noise statistics.
    """
    n, c, h, w = np.meshgrid(*[np.arange(s, dtype=np.int64) for s in shape], indexing="ij")
    i = np.arange(int(np.prod(shape)), dtype=np.uint64).reshape(shape)
    byte = (((i * np.uint64(2654435761)) & np.uint64(0xFFFFFFFF)) >> np.uint64(24)).astype(np.int64)
    ramp = ((h * (n + 1) + w * (c + 2)) * (n + c + 1)) % 64 - 32
    return ((byte // 4 - 32 + 2 * ramp) / 64).astype(np.float32)


def randomise(model, gen, shape, widen_linear=True):
    """Random biases and BatchNorm parameters, with running statistics calibrated on random
    data and then perturbed, as a trained network's would be: made-up statistics drown the
    signal in offsets, and the logits of a deep narrow net stop depending on its input."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)) and m.bias is not None:
                m.bias.uniform_(-0.1, 0.1, generator=gen)
            if isinstance(m, nn.Linear) and widen_linear:
                # torchvision starts Linear weights at N(0, 0.01): too small to tell layouts apart.
                m.weight.uniform_(-0.5, 0.5, generator=gen)
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5, generator=gen)
                m.bias.uniform_(-0.2, 0.2, generator=gen)
                m.reset_running_stats()
                m.momentum = None  # a plain average over the calibration batches
        if any(isinstance(m, nn.BatchNorm2d) for m in model.modules()):
            model.train()
            for _ in range(2):
                model(torch.randn([4] + list(shape[1:]), generator=gen))
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.momentum = 0.1
                std = m.running_var.sqrt()
                m.running_mean.add_(std * (torch.rand(std.shape, generator=gen) - 0.5) * 0.4)
                m.running_var.mul_(torch.empty(std.shape).uniform_(0.7, 1.4, generator=gen))
                # A channel ReLU nearly always zeroes would get a huge gain and amplify rounding.
                m.running_var.clamp_(min=0.05)
    return model.eval()


def check_names(name, tiny, full_factory):
    """The fixture must carry exactly torchvision's parameter names (widths may differ)."""
    with torch.device("meta"):
        full = full_factory(num_classes=10).state_dict()
    mine = tiny.state_dict()
    if list(mine) != list(full):
        raise SystemExit(f"{name}: parameter names differ from torchvision's: "
                         f"{sorted(set(mine) ^ set(full))[:6]}")
    for key in mine:
        if mine[key].dim() != full[key].dim():
            raise SystemExit(f"{name}: {key} has rank {mine[key].dim()}, torchvision's {full[key].dim()}")


def save_both(state, out, stem):
    torch.save(state, f"{out}/{stem}_zip.pth")
    torch.save(state, f"{out}/{stem}_legacy.pth", _use_new_zipfile_serialization=False)


def main(out):
    os.makedirs(out, exist_ok=True)
    gen = torch.Generator().manual_seed(2024)
    torch.manual_seed(2024)
    expected = {}
    states = {}
    for name, (tiny_factory, full_factory, shape) in ARCHITECTURES.items():
        model = randomise(tiny_factory(), gen, shape)
        check_names(name, model, full_factory)
        x = torch.from_numpy(tiny_input(shape))
        with torch.no_grad():
            logits = model(x)
            nudged = model(x + 0.05 * torch.randn(x.shape, generator=gen))
            exact = copy.deepcopy(model).double()(x.double())
        # A fixture whose logits hardly move with the input would pass a broken early layer,
        # and one whose float32 logits are far from float64's would fail a correct one.
        sensitivity = float((nudged - logits).norm() / logits.norm())
        rounding = float((logits.double() - exact).norm() / exact.norm())
        if sensitivity < 1e-2 or rounding > 1e-5:
            raise SystemExit(f"{name}: input sensitivity {sensitivity:.1e}, float32 rounding {rounding:.1e}")
        states[name] = model.state_dict()
        save_both(states[name], out, name)
        expected[name] = {"input": shape, "logits": logits.numpy().ravel().tolist(),
                          "classes": int(logits.shape[1])}
        params = sum(p.numel() for p in model.parameters())
        print(f"{name}: {params} parameters, logits {list(logits.shape)}, input sensitivity {sensitivity:.2f}, "
              f"PyTorch float32 vs float64 {rounding:.1e}")

    # A training checkpoint from DataParallel: {"epoch", "state_dict": {"module.<name>": ...}}.
    wrapped = {"epoch": 12, "best_acc1": 0.5,
               "state_dict": collections.OrderedDict(("module." + k, v) for k, v in states["tv-vgg16"].items())}
    torch.save(wrapped, f"{out}/wrapped_vgg16.pth")

    # One key missing, one VGG16 does not have, one with the wrong shape: all in one error.
    broken = collections.OrderedDict(states["tv-vgg16"])
    del broken["features.12.bias"]
    broken["features.31.weight"] = torch.zeros(4, 4, 3, 3)
    broken["classifier.3.weight"] = torch.zeros(12, 11)
    torch.save(broken, f"{out}/broken_vgg16.pth")
    expected["broken_vgg16"] = {"missing": "features.12.bias", "extra": "features.31.weight",
                                "misshaped": "classifier.3.weight"}

    with open(f"{out}/expected.json", "w") as f:
        json.dump(expected, f, indent=1)
    total = sum(os.path.getsize(os.path.join(out, n)) for n in os.listdir(out))
    print(f"{len(os.listdir(out))} files, {total / 1024:.0f} KB in {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Tests/ZooPyTorchTests/Fixtures/torchvision")
