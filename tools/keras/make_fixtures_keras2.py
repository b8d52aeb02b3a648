"""Writes Keras 2 (tf.keras, the `tf-keras` package) full-model fixtures, whose configs use
Keras 2's layout (`batch_input_shape`, nested-list `inbound_nodes`, `alpha` for LeakyReLU,
`hard_sigmoid` as 0.2x + 0.5). Needs requirements-keras2.txt; run after make_fixtures.py."""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

import numpy as np  # noqa: E402
import tf_keras as keras  # noqa: E402
from tf_keras import layers  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "Tests", "ZooKerasTests", "Fixtures")


def all_layers_model():
    """The Keras 3 fixture's model, in Keras 2 spelling."""
    inp = keras.Input((12, 12, 3), name="image")
    x = layers.Rescaling(1 / 127.5, offset=-1, name="rescale")(inp)
    x = layers.ZeroPadding2D(((1, 0), (0, 1)), name="pad")(x)
    x = layers.Conv2D(8, 3, strides=2, padding="same", activation="relu", name="conv_s2")(x)
    x = layers.BatchNormalization(name="bn")(x)
    a = layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2, activation="relu6", name="dw")(x)
    a = layers.BatchNormalization(center=False, epsilon=1e-2, name="bn_nocenter")(a)
    b = layers.SeparableConv2D(16, 3, padding="same", name="sep")(x)
    b = layers.BatchNormalization(scale=False, name="bn_noscale")(b)
    x = layers.Add(name="add")([a, b])
    x = layers.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5, name="relu_general")(x)
    x = layers.Conv2D(16, 1, groups=2, name="grouped")(x)
    x = layers.Activation("relu", name="relu_layer")(x)
    gate = layers.Conv2D(16, 1, activation="sigmoid", name="gate")(x)
    x = layers.Multiply(name="mul")([x, gate])
    c1 = layers.MaxPooling2D(3, strides=2, padding="same", name="maxpool")(x)
    c2 = layers.AveragePooling2D(3, strides=2, padding="same", name="avgpool")(x)
    x = layers.Concatenate(axis=-1, name="concat")([c1, c2])
    x = layers.Conv2D(8, 3, dilation_rate=2, padding="same", name="dilated")(x)
    x = layers.LeakyReLU(alpha=0.2, name="leaky")(x)
    x = layers.Activation("hard_sigmoid", name="hsig")(x)
    x = layers.Conv2D(8, 2, padding="valid", name="valid_conv")(x)
    x = layers.AveragePooling2D(2, name="avgpool_valid")(x)
    g = layers.GlobalAveragePooling2D(keepdims=True, name="gap")(x)
    x = layers.Multiply(name="scale_by_gap")([x, g])
    m = layers.GlobalMaxPooling2D(name="gmp")(x)
    x = layers.Flatten(name="flatten")(x)
    x = layers.Dropout(0.5, name="drop")(x)
    x = layers.Dense(24, activation="relu", name="fc")(x)
    x = layers.Concatenate(name="concat_features")([x, m])
    x = layers.Reshape((4, 8), name="reshape")(x)
    x = layers.Dense(6, name="fc_seq")(x)
    x = layers.Softmax(axis=1, name="softmax_axis1")(x)
    x = layers.Reshape((-1,), name="reshape_back")(x)
    x = layers.Dense(10, activation="softmax", name="predictions")(x)
    return keras.Model(inp, x, name="all_layers")


def sequential_model():
    """Keras 2 Sequential with the input shape on its first layer (no InputLayer written by hand)."""
    return keras.Sequential([
        layers.Conv2D(4, 3, activation="relu", input_shape=(10, 10, 3), name="conv"),
        layers.MaxPooling2D(name="pool"),
        layers.Flatten(name="flatten"),
        layers.Dense(3, activation="softmax", name="predictions"),
    ], name="sequential")


def main():
    out = os.path.abspath(OUT)
    rng = np.random.default_rng(2)
    index_path = os.path.join(out, "references.json")
    with open(index_path) as f:
        entries = json.load(f)
    for name, build, shape in [("all_layers", all_layers_model, (12, 12, 3)), ("sequential", sequential_model, (10, 10, 3))]:
        model = build()
        common.randomize(model, seed=len(name) + 100)
        x = rng.uniform(0, 255, (2,) + shape) if name == "all_layers" else rng.uniform(-1, 1, (2,) + shape)
        reference = common.save_reference(out, name + "_k2", model, x.astype(np.float32))
        model.save(os.path.join(out, name + "_k2.h5"))
        entries[name + "_k2.h5"] = dict(reference, architecture=None)
    common.write_index(out, entries)
    print("wrote Keras 2 references to", out)


if __name__ == "__main__":
    main()
