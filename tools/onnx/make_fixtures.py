#!/usr/bin/env python3
"""Writes the ONNX test fixtures in Tests/ZooONNXTests/Fixtures (run by hand, output committed).

Two kinds:
  tv_<arch>_op<N>.onnx  torchvision architectures at reduced widths (mirroring torchvision's
                        modules and names), random weights with randomised BatchNorm statistics,
                        exported by torch's TorchScript exporter at opsets 9, 13 and 17 with a
                        symbolic batch and BatchNorm kept as nodes. The three exports share one
                        weights file, tv_<arch>.weights, as external data (each distinct
                        tensor stored once; small ones stay inline). tv_<arch>_op<N>_output.pb is
                        what onnxruntime computes for `fixture_input([2, 3, 64, 64])`, a batch of
                        2 (the models declare 1) that the Swift test computes the same way, so no
                        input files are stored.
  <name>.onnx           small graphs written with onnx.helper for what the exporter does not
                        produce: old opsets and IR 3 (initializers listed as inputs), every
                        TensorProto data field, external data, layout-sensitive ops, and
                        malformed files. Valid ones come with <name>_input.pb / _output.pb.

Usage: python tools/onnx/make_fixtures.py  (packages: tools/onnx/requirements.txt)
"""
import os
import sys
import warnings

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "ZooONNXTests", "Fixtures")


def save_tensor(array, path):
    with open(path, "wb") as f:
        f.write(numpy_helper.from_array(np.ascontiguousarray(array)).SerializeToString())


def reference(model_path, inputs):
    session = ort.InferenceSession(model_path, providers=["CPUExecutionProvider"])
    return session.run(None, inputs)


# MARK: torchvision architectures

def torchvision_fixtures():
    import torch
    from torch import nn
    from torchvision.models import resnet, vgg, mobilenetv2
    from torchvision.ops.misc import Conv2dNormActivation

    class SmallResNet(resnet.ResNet):
        """torchvision's ResNet with the stage widths as a parameter (torchvision fixes 64..512)."""

        def __init__(self, block, layers, widths, num_classes=10):
            nn.Module.__init__(self)
            self._norm_layer = nn.BatchNorm2d
            self.inplanes, self.dilation, self.groups, self.base_width = widths[0], 1, 1, 64
            self.conv1 = nn.Conv2d(3, self.inplanes, kernel_size=7, stride=2, padding=3, bias=False)
            self.bn1 = nn.BatchNorm2d(self.inplanes)
            self.relu = nn.ReLU(inplace=True)
            self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
            self.layer1 = self._make_layer(block, widths[0], layers[0])
            self.layer2 = self._make_layer(block, widths[1], layers[1], stride=2)
            self.layer3 = self._make_layer(block, widths[2], layers[2], stride=2)
            self.layer4 = self._make_layer(block, widths[3], layers[3], stride=2)
            self.avgpool = nn.AdaptiveAvgPool2d((1, 1))
            self.fc = nn.Linear(widths[3] * block.expansion, num_classes)

    class LegacyVGG(vgg.VGG):
        """VGG with the classifier input written `x.view(x.size(0), -1)` as older torchvision
        did: the exporter turns it into Shape -> Gather -> Unsqueeze -> Concat -> Reshape."""

        def forward(self, x):
            x = self.avgpool(self.features(x))
            return self.classifier(x.view(x.size(0), -1))

    def small_vgg(cls, cfg, batch_norm):
        model = cls(vgg.make_layers([c // 64 if c != "M" else c for c in cfg], batch_norm=batch_norm),
                    num_classes=10, init_weights=False)
        # torchvision pools to 7x7 for a 224 input; these 64x64 inputs reach 2x2, which keeps
        # the classifier's flatten of C x H x W (the row order the importer must permute).
        model.avgpool = nn.AdaptiveAvgPool2d((2, 2))
        model.classifier = nn.Sequential(
            nn.Linear(8 * 2 * 2, 16), nn.ReLU(True), nn.Dropout(),
            nn.Linear(16, 16), nn.ReLU(True), nn.Dropout(), nn.Linear(16, 10))
        return model

    def small_mobilenet_v2():
        # torchvision's table (t, c, n, s) with fewer repeats and no 320-channel stage; the
        # 32-channel stage keeps its 3 blocks (two residual adds in a row).
        setting = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 1, 2], [6, 96, 1, 1]]
        model = mobilenetv2.MobileNetV2(num_classes=10, width_mult=0.25, inverted_residual_setting=setting)
        # torchvision keeps the last 1x1 conv at 1280 channels whatever the width; narrow it.
        model.features[-1] = Conv2dNormActivation(24, 32, kernel_size=1, norm_layer=nn.BatchNorm2d, activation_layer=nn.ReLU6)
        model.classifier = nn.Sequential(nn.Dropout(p=0.2), nn.Linear(32, 10))
        return model

    models = {
        "resnet18": lambda: SmallResNet(resnet.BasicBlock, [2, 2, 2, 2], [4, 6, 8, 8]),
        "resnet50": lambda: SmallResNet(resnet.Bottleneck, [1, 2, 1, 1], [2, 4, 4, 6]),
        "vgg16": lambda: small_vgg(vgg.VGG, vgg.cfgs["D"], batch_norm=False),
        "vgg19": lambda: small_vgg(LegacyVGG, vgg.cfgs["E"], batch_norm=True),
        "mobilenet_v2": small_mobilenet_v2,
    }
    for name, make in models.items():
        torch.manual_seed(sum(map(ord, name)))
        model = make().eval()
        randomise(model)
        x = torch.from_numpy(fixture_input([2, 3, 64, 64]))
        weights = SharedWeights(f"tv_{name}.weights")
        for opset in (9, 13, 17):
            path = os.path.join(OUT, f"tv_{name}_op{opset}.onnx")
            export(model, x[:1], path, opset)
            exported = onnx.load(path)
            weights.externalise(exported)
            onnx.save(exported, path)
            weights.write()
            (y,) = reference(path, {"input": x.numpy()})
            save_tensor(y, os.path.join(OUT, f"tv_{name}_op{opset}_output.pb"))
            print(f"{os.path.basename(path)}: {os.path.getsize(path)} bytes")


class SharedWeights:
    """One external data file for several models: each distinct initializer (by type and
    bytes) is stored once and every model points at it; tensors under 128 bytes stay inline."""

    def __init__(self, location):
        self.location, self.data, self.offsets = location, bytearray(), {}

    def externalise(self, model):
        for t in model.graph.initializer:
            if not t.HasField("raw_data") or len(t.raw_data) < 128:
                continue
            key = (t.data_type, t.raw_data)
            if key not in self.offsets:
                self.data += b"\0" * (-len(self.data) % 64)
                self.offsets[key] = len(self.data)
                self.data += t.raw_data
            length = len(t.raw_data)
            t.ClearField("raw_data")
            t.data_location = TensorProto.EXTERNAL
            for k, v in (("location", self.location), ("offset", str(self.offsets[key])), ("length", str(length))):
                entry = t.external_data.add()
                entry.key, entry.value = k, v

    def write(self):
        with open(os.path.join(OUT, self.location), "wb") as f:
            f.write(self.data)


def fixture_input(shape):
    """Deterministic values in [-1, 1) that Swift reproduces exactly (integer arithmetic, one
    division in double precision, one rounding to float32): no input files to store."""
    i = np.arange(int(np.prod(shape)), dtype=np.int64)
    return (((i * 7919) % 2003) / 1001.0 - 1.0).astype(np.float32).reshape(shape)


def randomise(model):
    """Random weights are torch's init; BN statistics and affine terms get random values too,
    so that BatchNorm is not the identity."""
    import torch
    from torch import nn
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.5, 0.5)
                m.running_var.uniform_(0.5, 2.0)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.5, 0.5)


def export(model, x, path, opset):
    import torch
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(model, (x,), path, opset_version=opset, dynamo=False,
                          input_names=["input"], output_names=["logits"],
                          dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}},
                          training=torch.onnx.TrainingMode.PRESERVE, do_constant_folding=True)


# MARK: hand-written graphs

rng = np.random.default_rng(7)


def randn(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def make_model(nodes, inputs, outputs, initializers, opset, ir_version=None, name="g"):
    graph = helper.make_graph(nodes, name, inputs, outputs, initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="zoo make_fixtures")
    model.ir_version = ir_version or min(onnx.IR_VERSION, 8)
    onnx.checker.check_model(model)
    return model


def save_with_reference(model, name, x, input_name="x"):
    path = os.path.join(OUT, name + ".onnx")
    onnx.save(model, path)
    (y,) = reference(path, {input_name: x})
    save_tensor(x, os.path.join(OUT, name + "_input.pb"))
    save_tensor(y, os.path.join(OUT, name + "_output.pb"))


def softmax_nchw(opset):
    """Softmax over axis 1 of a 4-D tensor: before opset 13 over C*H*W together, from 13 on
    over C alone (the layout has to map the axis, or go back to NCHW)."""
    w = numpy_helper.from_array(randn(5, 3, 1, 1), "w")
    nodes = [helper.make_node("Conv", ["x", "w"], ["c"], name="conv"),
             helper.make_node("Softmax", ["c"], ["y"], name="softmax", axis=1)]
    model = make_model(nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 4, 4])],
                       [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5, 4, 4])], [w], opset)
    save_with_reference(model, f"softmax_nchw_op{opset}", randn(2, 3, 4, 4))


def layout_mix(opset):
    """Layout-sensitive ops on NCHW tensors: PRelu with [C,1,1] slopes, Pad (attribute before
    opset 11, input after), SAME and VALID pooling, Concat on channels, 4-D Transposes,
    Squeeze, Gemm with transB/alpha/beta, Clip (attributes before opset 11, inputs after)."""
    inits = [numpy_helper.from_array(randn(4, 3, 3, 3), "w"), numpy_helper.from_array(randn(4), "b"),
             numpy_helper.from_array(np.abs(randn(4, 1, 1)) * 0.3, "slope"),
             numpy_helper.from_array(randn(6, 8), "fc_w"), numpy_helper.from_array(randn(6), "fc_b")]
    pads = [0, 0, 1, 0, 0, 0, 0, 1]
    if opset >= 11:
        inits += [numpy_helper.from_array(np.array(pads, np.int64), "pads"),
                  numpy_helper.from_array(np.array(0.25, np.float32), "pad_value")]
        pad = helper.make_node("Pad", ["r", "pads", "pad_value"], ["p"], name="pad")
    else:
        pad = helper.make_node("Pad", ["r"], ["p"], name="pad", pads=pads, value=0.25)
    if opset >= 13:
        inits.append(numpy_helper.from_array(np.array([2, 3], np.int64), "axes"))
        squeeze = helper.make_node("Squeeze", ["g", "axes"], ["s"], name="squeeze")
    else:
        squeeze = helper.make_node("Squeeze", ["g"], ["s"], name="squeeze", axes=[2, 3])
    avg = {"count_include_pad": 0} if opset >= 7 else {}
    nodes = [
        helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
        helper.make_node("PRelu", ["c", "slope"], ["r"], name="prelu"),
        pad,
        helper.make_node("AveragePool", ["p"], ["a"], name="avg", kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_LOWER", **avg),
        helper.make_node("MaxPool", ["p"], ["m"], name="max", kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1, auto_pad="VALID"),
        helper.make_node("Concat", ["a", "m"], ["cat"], name="concat", axis=1),
        helper.make_node("Transpose", ["cat"], ["t"], name="to_nhwc", perm=[0, 2, 3, 1]),
        helper.make_node("Relu", ["t"], ["tr"], name="relu"),
        helper.make_node("Transpose", ["tr"], ["back"], name="to_nchw", perm=[0, 3, 1, 2]),
        helper.make_node("GlobalMaxPool", ["back"], ["g"], name="gmax"),
        squeeze,
        helper.make_node("Gemm", ["s", "fc_w", "fc_b"], ["fc"], name="fc", transB=1, alpha=0.5, beta=2.0),
        helper.make_node("Clip", ["fc"], ["y"], name="clip", **({"min": -1.0, "max": 1.5} if opset < 11 else {})),
    ]
    if opset >= 11:
        inits += [numpy_helper.from_array(np.array(-1.0, np.float32), "lo"), numpy_helper.from_array(np.array(1.5, np.float32), "hi")]
        nodes[-1] = helper.make_node("Clip", ["fc", "lo", "hi"], ["y"], name="clip")
    model = make_model(nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 8, 8])],
                       [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 6])], inits, opset)
    save_with_reference(model, f"layout_mix_op{opset}", randn(2, 3, 8, 8))


def initializer_forms():
    """IR version 3 at opset 8: every initializer is also listed as a graph input (as old
    exporters wrote), and weights use each TensorProto data field."""
    b = randn(4, 3)
    inits = [
        helper.make_tensor("b_double", TensorProto.DOUBLE, [4, 3], b.astype(np.float64).ravel().tolist()),
        helper.make_tensor("c_floats", TensorProto.FLOAT, [3], randn(3).tolist()),
        helper.make_tensor("s_half", TensorProto.FLOAT16, [1], np.array([1.5], np.float16).tobytes(), raw=True),
        helper.make_tensor("shape", TensorProto.INT64, [2], [-1, 3]),
        helper.make_tensor("d_int32", TensorProto.INT32, [3], [1, -2, 3]),
        helper.make_tensor("e_raw", TensorProto.FLOAT, [1, 3], randn(1, 3).tobytes(), raw=True),
    ]
    nodes = [
        helper.make_node("Cast", ["b_double"], ["b"], name="cast_b", to=TensorProto.FLOAT),
        helper.make_node("MatMul", ["x", "b"], ["mm"], name="matmul"),
        helper.make_node("Add", ["mm", "c_floats"], ["plus_c"], name="add_c"),
        helper.make_node("Cast", ["s_half"], ["s"], name="cast_s", to=TensorProto.FLOAT),
        helper.make_node("Mul", ["plus_c", "s"], ["scaled"], name="scale"),
        helper.make_node("Cast", ["d_int32"], ["d"], name="cast_d", to=TensorProto.FLOAT),
        helper.make_node("Sub", ["scaled", "d"], ["minus_d"], name="sub_d"),
        helper.make_node("Dropout", ["minus_d"], ["dropped"], name="dropout", ratio=0.3),
        helper.make_node("Div", ["dropped", "e_raw"], ["divided"], name="div_e"),
        helper.make_node("Reshape", ["divided", "shape"], ["y"], name="reshape"),
    ]
    inputs = [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4])]
    inputs += [helper.make_tensor_value_info(t.name, t.data_type, list(t.dims)) for t in inits]
    model = make_model(nodes, inputs, [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])], inits, 8, ir_version=3)
    save_with_reference(model, "initializer_forms_ir3", randn(2, 4))


def external_data():
    """A Conv whose weights live in weights.bin (at an offset) next to the model, and three
    broken variants: a location outside the folder, an absolute one, and a range past the end."""
    folder = os.path.join(OUT, "external")
    os.makedirs(folder, exist_ok=True)
    w, b = randn(4, 2, 3, 3), randn(4)
    with open(os.path.join(folder, "weights.bin"), "wb") as f:
        f.write(b"\0" * 16 + w.tobytes() + b.tobytes())

    def model(location, offset, name):
        wt = TensorProto(name="w", data_type=TensorProto.FLOAT, dims=w.shape)
        wt.data_location = TensorProto.EXTERNAL
        for key, value in (("location", location), ("offset", str(offset)), ("length", str(w.nbytes))):
            entry = wt.external_data.add()
            entry.key, entry.value = key, value
        bt = TensorProto(name="b", data_type=TensorProto.FLOAT, dims=[4])
        bt.data_location = TensorProto.EXTERNAL
        for key, value in (("location", location), ("offset", str(16 + w.nbytes))):
            entry = bt.external_data.add()
            entry.key, entry.value = key, value
        nodes = [helper.make_node("Conv", ["x", "w", "b"], ["y"], name="conv", pads=[1, 1, 1, 1])]
        graph = helper.make_graph(nodes, "external", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 5, 5])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 5, 5])], initializer=[wt, bt])
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="zoo make_fixtures")
        m.ir_version = 8
        path = os.path.join(folder, name + ".onnx")
        with open(path, "wb") as f:
            f.write(m.SerializeToString())
        return path

    path = model("weights.bin", 16, "model")
    x = randn(1, 2, 5, 5)
    (y,) = reference(path, {"x": x})
    save_tensor(x, os.path.join(folder, "model_input.pb"))
    save_tensor(y, os.path.join(folder, "model_output.pb"))
    model("../initializer_forms_ir3.onnx", 0, "escape")
    model("/etc/hostname", 0, "absolute")
    model("weights.bin", 400, "past_end")


def unsupported():
    """Files the importer must reject naming op type, opset, node and file."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 4, 4])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 4, 4])
    lrn = make_model([helper.make_node("LRN", ["x"], ["y"], name="my_lrn", size=3)], [x], [y], [], 13)
    onnx.save(lrn, os.path.join(OUT, "unsupported_lrn.onnx"))
    pads = numpy_helper.from_array(np.array([0, 0, 1, 1, 0, 0, 1, 1], np.int64), "pads")
    y6 = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 6, 6])
    reflect = make_model([helper.make_node("Pad", ["x", "pads"], ["y"], name="my_pad", mode="reflect")], [x], [y6], [pads], 13)
    onnx.save(reflect, os.path.join(OUT, "unsupported_pad_reflect.onnx"))


def hostile():
    """Tensors whose declared sizes do not match their data: huge dims over a tiny raw_data,
    and a raw_data shorter than its dims."""
    def model(name, tensor):
        nodes = [helper.make_node("Add", ["x", tensor.name], ["y"], name="add")]
        graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                                  [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], initializer=[tensor])
        m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="zoo make_fixtures")
        m.ir_version = 8
        with open(os.path.join(OUT, name + ".onnx"), "wb") as f:
            f.write(m.SerializeToString())

    model("hostile_huge_dims", TensorProto(name="huge", data_type=TensorProto.FLOAT, dims=[1 << 40, 1 << 40], raw_data=b"\0" * 16))
    model("hostile_short_raw", TensorProto(name="short", data_type=TensorProto.FLOAT, dims=[4], raw_data=b"\0" * 12))


def main():
    os.makedirs(OUT, exist_ok=True)
    for opset in (11, 13):
        softmax_nchw(opset)
    for opset in (10, 13):
        layout_mix(opset)
    initializer_forms()
    external_data()
    unsupported()
    hostile()
    if "--no-torch" not in sys.argv:
        torchvision_fixtures()


if __name__ == "__main__":
    main()
