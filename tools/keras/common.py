"""Helpers shared by the Keras fixture and full-size scripts: deterministic random weights,
the official keras-applications weights-only HDF5 layout, and reference tensors."""
import json
import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import h5py
import numpy as np

# Weights are rounded to this grid so float16 copies are exact and the files compress.
GRID = 2.0 ** -8


def quantize(a, grid=GRID):
    return (np.round(np.asarray(a, dtype=np.float64) / grid) * grid).astype(np.float32)


def randomize(model, seed):
    """Random kernels at the layers' own scale, and BatchNorm gamma/beta/mean/variance
    randomised so that normalisation is not the identity."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        values = []
        for w in layer.weights:
            short = short_name(w)
            shape = tuple(w.shape)
            if short == "gamma":
                v = rng.uniform(0.5, 1.5, shape)
            elif short == "beta":
                v = rng.uniform(-0.2, 0.2, shape)
            elif short == "moving_mean":
                v = rng.uniform(-0.2, 0.2, shape)
            elif short == "moving_variance":
                v = rng.uniform(0.5, 1.5, shape)
            elif short == "bias":
                v = rng.uniform(-0.1, 0.1, shape)
            else:
                fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else shape[0]
                if "depthwise" in short or layer.__class__.__name__ == "DepthwiseConv2D":
                    fan_in = int(np.prod(shape[:2]))
                limit = np.sqrt(3.0 / max(fan_in, 1))
                if layer.name == "predictions":
                    limit *= 4  # spread the class scores so top-1 is decisive
                v = rng.uniform(-limit, limit, shape)
            values.append(quantize(v))
        if values:
            layer.set_weights(values)


def calibrate_classifier(model, x, spread=3.0):
    """Rescales the last Dense layer so its logits on `x` spread by about `spread` (standard
    deviation): random deep networks otherwise give a flat or a saturated softmax, and a check
    on those says little."""
    import keras
    head = model.layers[-1]
    features = keras.Model(model.inputs, head.input).predict(x, verbose=0)
    kernel, bias = head.get_weights()
    logits = features.reshape(len(x), -1) @ kernel + bias
    scale = spread / max(float(np.std(logits - logits.mean(axis=1, keepdims=True))), 1e-6)
    head.set_weights([quantize(kernel * scale, GRID / 16), quantize(bias * scale, GRID / 16)])


def short_name(w):
    """`kernel` for Keras 3's `conv/kernel` and Keras 2's `conv/kernel:0`."""
    return (getattr(w, "path", None) or w.name).split("/")[-1].split(":")[0]


def legacy_weights(layer):
    """Keras' stored order: trainable weights first."""
    return layer.trainable_weights + layer.non_trainable_weights


KERAS2_NAMES = {("DepthwiseConv2D", "kernel"): "depthwise_kernel"}
KERAS1_NAMES = {"kernel": "W", "bias": "b", "depthwise_kernel": "depthwise_W", "pointwise_kernel": "pointwise_W",
                "moving_mean": "running_mean", "moving_variance": "running_std"}


def _string_array(names, fixed):
    if fixed:
        return np.array([n.encode("utf8") for n in names], dtype="S%d" % max(1, max((len(n.encode()) for n in names), default=1)))
    return [n.encode("utf8") for n in names]


def write_weights_only(model, path, style="keras2", dtype=np.float32, layer_name_chunks=1):
    """Writes `model`'s weights the way keras-applications' official files are laid out.

    style "keras2": root attributes layer_names (fixed-length strings, optionally split into
    layer_names0, layer_names1, ... as Keras does for large lists), backend, keras_version;
    a group per layer with a weight_names attribute and datasets `<layer>/<weight>:0`.
    style "keras1": like the 2016 VGG files: no backend or keras_version, weights named
    `<layer>_W_1:0`, and here also Keras-1 style layer names, so only the order matches."""
    layers = list(model.layers)
    if style == "keras1":
        counters = {}
        renamed = {}
        for layer in layers:
            base = layer.__class__.__name__.lower()
            counters[base] = counters.get(base, 0) + 1
            renamed[layer.name] = "%s_%d" % (base, counters[base])
    else:
        renamed = {layer.name: layer.name for layer in layers}
    with h5py.File(path, "w") as f:
        names = [renamed[l.name] for l in layers]
        if layer_name_chunks > 1:
            for i, chunk in enumerate(np.array_split(np.array(names, dtype=object), layer_name_chunks)):
                f.attrs["layer_names%d" % i] = _string_array(list(chunk), fixed=True)
        else:
            f.attrs["layer_names"] = _string_array(names, fixed=True)
        if style == "keras2":
            f.attrs["backend"] = b"tensorflow"
            f.attrs["keras_version"] = b"2.2.4"
        for layer in layers:
            name = renamed[layer.name]
            group = f.create_group(name)
            weights = legacy_weights(layer)
            weight_names = []
            for w in weights:
                short = short_name(w)
                short = KERAS2_NAMES.get((layer.__class__.__name__, short), short)
                if style == "keras1":
                    weight_names.append("%s_%s_1:0" % (name, KERAS1_NAMES.get(short, short)))
                else:
                    weight_names.append("%s/%s:0" % (name, short))
            group.attrs["weight_names"] = _string_array(weight_names, fixed=True) if weight_names else np.array([], dtype=np.float64)
            for wname, w in zip(weight_names, weights):
                group.create_dataset(wname, data=np.asarray(w).astype(dtype))


def save_reference(directory, name, model, x, extra=None):
    """Runs `model` on `x` and stores input and output as raw little-endian float32 plus a
    JSON entry with shapes, so Swift tests need no .npy reader."""
    y = np.asarray(model.predict(x, verbose=0), dtype=np.float32)
    x.astype("<f4").tofile(os.path.join(directory, name + ".input.bin"))
    y.astype("<f4").tofile(os.path.join(directory, name + ".output.bin"))
    entry = {"input": name + ".input.bin", "input_shape": list(x.shape),
             "output": name + ".output.bin", "output_shape": list(y.shape),
             "top1": [int(i) for i in np.argmax(y.reshape(y.shape[0], -1), axis=1)]}
    entry.update(extra or {})
    return entry


def write_index(directory, entries):
    with open(os.path.join(directory, "references.json"), "w") as f:
        json.dump(entries, f, indent=1, sort_keys=True)
        f.write("\n")
