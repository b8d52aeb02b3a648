#!/usr/bin/env python3
"""A few-KB model with EfficientNet-Lite's TF-style static "same" padding, exported by torch.onnx.export.

The real EfficientNet-Lite0 export (tools/onnx/export_efficientnet.py) is ~19 MB; this one keeps
its pattern in a committed fixture: Conv2dStaticSamePadding, from the package that defines the
model, exports each ZeroPad2d as a Pad whose pads come from a ConstantOfShape / Concat / Reshape /
Slice / Transpose / Cast subgraph; `x.mean((2, 3))` exports as ReduceMean (axes an attribute at
opset 13, an input at opset 18). The batch axis is dynamic.
    pip install torch onnx numpy
    pip install --no-deps efficientnet-lite-pytorch
    python tools/onnx/make_same_padding_fixtures.py Tests/ZooONNXTests/Fixtures
writes same_padding_op{13,18}.onnx, and same_padding_input.pb / same_padding_output.pb (batch 3,
17x17) and same_padding_input21.pb / same_padding_output21.pb (batch 1, 21x21: the network
ends in a mean over H and W, so it runs at other sizes, with the pads computed for 17x17 as
PyTorch keeps them), the outputs from PyTorch.
"""
import os
import sys

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from efficientnet_lite_pytorch.utils import Conv2dStaticSamePadding


class SamePadding(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = Conv2dStaticSamePadding(3, 8, 3, stride=2, image_size=17, bias=False)
        self.bn = torch.nn.BatchNorm2d(8)
        self.depthwise = Conv2dStaticSamePadding(8, 8, 5, stride=2, groups=8, image_size=9, bias=False)
        self.head = torch.nn.Linear(8, 5)

    def forward(self, x):
        x = torch.nn.functional.relu6(self.bn(self.stem(x)))
        x = torch.nn.functional.relu6(self.depthwise(x))
        return self.head(x.mean((2, 3)))


def save(tensor, path):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(tensor).SerializeToString())


def main(out):
    torch.manual_seed(0)
    model = SamePadding()
    with torch.no_grad():
        model.bn.running_mean.uniform_(-0.5, 0.5)
        model.bn.running_var.uniform_(0.5, 1.5)
    model.eval()
    rng = np.random.default_rng(0)
    for suffix, shape in [("", (3, 3, 17, 17)), ("21", (1, 3, 21, 21))]:
        x = rng.uniform(-1, 1, shape).astype(np.float32)
        with torch.no_grad():
            y = model(torch.from_numpy(x)).numpy()
        save(x, os.path.join(out, f"same_padding_input{suffix}.pb"))
        save(y, os.path.join(out, f"same_padding_output{suffix}.pb"))
    sample = torch.zeros(2, 3, 17, 17)
    for opset in [13, 18]:
        path = os.path.join(out, f"same_padding_op{opset}.onnx")
        torch.onnx.export(model, (sample,), path, input_names=["x"], output_names=["y"], opset_version=opset,
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}}, dynamo=False)
        ops = sorted({n.op_type for n in onnx.load(path).graph.node})
        print(path, os.path.getsize(path), "bytes:", ", ".join(ops))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Tests/ZooONNXTests/Fixtures")
