#!/usr/bin/env python3
"""Writes Tests/ZooTests/Fixtures/explain: a small torchvision-layout ResNet and the maps the
Swift explain code must reproduce (run by hand, output committed).

  tiny_resnet.onnx       torchvision's BasicBlock ResNet at widths 4/8/8/16, 10 classes, random
                         weights with randomised BatchNorm statistics, exported at opset 13
  input.npy              one NCHW input, 1x3x56x56
  cam_layer4.npy         CAM for the top class: ReLU(fc.weight[c] . layer4 activations), NumPy
  gradcam_layer4.npy     pytorch-grad-cam's GradCAM raw map (before scaling) at layer4, top class
  gradcam_layer3.npy     the same at layer3 for another class (gradients through a whole stage)
  classes.json           the top class and the classes used

Usage: python tools/explain/make_fixtures.py   (torch, torchvision, onnx, grad-cam: the shared tools venv has them)
"""
import json
import os
import warnings

import numpy as np
import torch
from torch import nn
from torchvision.models import resnet
from pytorch_grad_cam import GradCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "ZooTests", "Fixtures", "explain")


class TinyResNet(resnet.ResNet):
    """torchvision's ResNet class with narrow stages (torchvision fixes 64..512)."""

    def __init__(self, widths=(4, 8, 8, 16), num_classes=10):
        nn.Module.__init__(self)
        self._norm_layer = nn.BatchNorm2d
        self.inplanes, self.dilation, self.groups, self.base_width = widths[0], 1, 1, 64
        self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(resnet.BasicBlock, widths[0], 1)
        self.layer2 = self._make_layer(resnet.BasicBlock, widths[1], 1, stride=2)
        self.layer3 = self._make_layer(resnet.BasicBlock, widths[2], 1, stride=1)
        self.layer4 = self._make_layer(resnet.BasicBlock, widths[3], 1, stride=2)
        self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(widths[3], num_classes)


def gradcam_raw(model, layer, x, category):
    """pytorch-grad-cam's own raw map: its get_cam_image on the activations and gradients it
    hooked, then the ReLU it applies before scaling."""
    cam = GradCAM(model=model, target_layers=[layer])
    targets = [ClassifierOutputTarget(category)]
    cam(input_tensor=x, targets=targets)
    acts = cam.activations_and_grads.activations[0].cpu().numpy()
    grads = cam.activations_and_grads.gradients[0].cpu().numpy()
    raw = cam.get_cam_image(x, layer, targets, acts, grads, False)
    return np.maximum(raw, 0)[0].astype(np.float32)


def main():
    torch.manual_seed(18)
    model = TinyResNet()
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)
    model.eval()
    x = torch.randn(1, 3, 56, 56)
    os.makedirs(OUT, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (x,), os.path.join(OUT, "tiny_resnet.onnx"), opset_version=13, dynamo=False,
                          input_names=["input"], output_names=["logits"], do_constant_folding=True)
    np.save(os.path.join(OUT, "input.npy"), x.numpy())

    features = {}
    model.layer4.register_forward_hook(lambda m, i, o: features.__setitem__("layer4", o.detach().numpy()))
    with torch.no_grad():
        logits = model(x).numpy()[0]
    top = int(np.argmax(logits))
    a = features["layer4"][0]                        # [C, H, W]
    w = model.fc.weight.detach().numpy()[top]        # [C]
    cam = np.maximum(np.tensordot(w, a, axes=(0, 0)), 0).astype(np.float32)
    np.save(os.path.join(OUT, "cam_layer4.npy"), cam)
    np.save(os.path.join(OUT, "gradcam_layer4.npy"), gradcam_raw(model, model.layer4, x, top))
    # An inner layer and a class other than the top one, whose map is mostly positive (a map
    # the ReLU zeroes would match anything).
    inner = next(c for c in range(10) if c != top and (gradcam_raw(model, model.layer3, x, c) > 0).mean() > 0.5)
    np.save(os.path.join(OUT, "gradcam_layer3.npy"), gradcam_raw(model, model.layer3, x, inner))
    with open(os.path.join(OUT, "classes.json"), "w") as f:
        json.dump({"top": top, "layer3_class": inner, "logits": [float(v) for v in logits]}, f, indent=1)
    print("top class", top, "cam", cam.shape, "files in", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
