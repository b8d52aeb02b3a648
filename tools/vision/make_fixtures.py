#!/usr/bin/env python3
"""Writes Tests/ZooVisionTests/Fixtures: images, what PIL makes of them, and broken files.

The reference for every pixel is Pillow itself: Image.open(...).convert("RGB") for decoding,
Image.resize for resizing, ImageOps.exif_transpose for EXIF orientation. Keras' own
keras.utils.load_img and imagenet_utils.preprocess_input make the Keras expectations (Keras 3
on its numpy backend: no TensorFlow), each checked against the few lines of numpy/PIL it
amounts to. torchvision's Resize/CenterCrop/ToTensor/Normalize on PIL images are reproduced
line by line with PIL and numpy (torchvision_resize, torchvision_center_crop, preprocess), so
torch is not needed.

Source photos are scikit-image's sample data (see LICENSES below), re-encoded small.

Run from the repository root, in a venv with tools/vision/requirements.txt installed and a
C compiler plus libjpeg headers (tools/setup installs them) for the YCCK sample:
    python3 tools/vision/make_fixtures.py
"""
import io
import json
import os
import shutil
import struct
import subprocess
import tempfile
import zlib

os.environ.setdefault("KERAS_BACKEND", "numpy")

import keras
import numpy as np
import PIL
import png  # pypng: interlaced and 2/4-bit PNGs, which Pillow cannot write
import skimage
from PIL import Image, ImageOps

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests", "ZooVisionTests", "Fixtures")
SKIMAGE_DATA = os.path.join(os.path.dirname(skimage.__file__), "data")

LICENSES = {
    "chelsea.png": "Chelsea the cat, CC0 by the photographer (Stefan van der Walt), via scikit-image",
    "coffee.png": "Coffee cup, CC0 by the photographer (Rachel Michetti), via scikit-image",
    "astronaut.png": "Eileen Collins, NASA, public domain, via scikit-image",
    "camera.png": "Camera man, CC0 by the photographer (Lav Varshney), via scikit-image",
}

manifest = {
    "generator": "tools/vision/make_fixtures.py",
    "pillow": PIL.__version__,
    "numpy": np.__version__,
    "keras": keras.__version__,
    "sources": LICENSES,
    "decode": [],
    "exif": [],
    "resize": [],
    "preprocess": [],
    "pipeline": [],
    "bad": [],
}


def path(name):
    return os.path.join(OUT, name)


def photo(name):
    return Image.open(os.path.join(SKIMAGE_DATA, name)).convert("RGB")


def fnv1a64(data: bytes) -> str:
    """FNV-1a 64-bit hash of the bytes, as hex: compact proof of bit-exact pixels."""
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def pil_rgb(file):
    """What Keras' load_img and torchvision's pil_loader hold after opening: convert('RGB')."""
    with Image.open(path(file)) as im:
        return im.convert("RGB")


def save_expected(name, rgb):
    """Expected pixels as a lossless PNG (the PNG RGB8 path is checked against .npy)."""
    rgb.save(path(name), optimize=True)
    return name


# ---------------------------------------------------------------- decoding

def add_decode(file, note, expected="png"):
    rgb = pil_rgb(file)
    entry = {"file": file, "note": note, "width": rgb.width, "height": rgb.height}
    if expected == "png":
        entry["expected"] = save_expected(file + ".expected.png", rgb)
    elif expected == "npy":
        name = file + ".expected.npy"
        np.save(path(name), np.asarray(rgb, dtype=np.uint8))
        entry["expected_npy"] = name
    else:
        entry["fnv1a64"] = fnv1a64(rgb.tobytes())
    manifest["decode"].append(entry)


def make_decode_fixtures(cat, coffee):
    cat.save(path("cat.jpg"), quality=90)
    add_decode("cat.jpg", "baseline JPEG, 4:2:0", expected="hash")
    coffee.resize((300, 200), Image.BICUBIC).save(path("coffee_progressive.jpg"), quality=85, progressive=True)
    add_decode("coffee_progressive.jpg", "progressive JPEG", expected="hash")

    camera = Image.open(os.path.join(SKIMAGE_DATA, "camera.png")).resize((128, 128), Image.BICUBIC)
    camera.save(path("gray.jpg"), quality=90)
    add_decode("gray.jpg", "grayscale JPEG")

    small = photo("astronaut.png").resize((64, 64), Image.BICUBIC)
    small.convert("CMYK").save(path("cmyk.jpg"), quality=90)
    add_decode("cmyk.jpg", "Adobe CMYK JPEG (inverted, written by Pillow)")
    make_ycck(small)

    tile = cat.resize((48, 32), Image.BICUBIC)
    a = np.asarray(tile)
    tile.save(path("rgb8.png"))
    add_decode("rgb8.png", "PNG RGB 8-bit", expected="npy")
    tile.convert("L").save(path("gray8.png"))
    add_decode("gray8.png", "PNG gray 8-bit")
    tile.convert("P", palette=Image.ADAPTIVE, colors=40).save(path("palette.png"))
    add_decode("palette.png", "PNG palette 8-bit")
    tile.convert("P", palette=Image.ADAPTIVE, colors=16).save(path("palette4_trns.png"), bits=4, transparency=3)
    add_decode("palette4_trns.png", "PNG palette 4-bit with tRNS (dropped, as convert('RGB') does)")
    rgba = tile.copy()
    rgba.putalpha(Image.fromarray((np.arange(48 * 32).reshape(32, 48) * 5 % 256).astype(np.uint8)))
    rgba.save(path("rgba.png"))
    add_decode("rgba.png", "PNG RGBA (alpha dropped, not composited)")
    la = tile.convert("L")
    la.putalpha(100)
    la.save(path("gray_alpha.png"))
    add_decode("gray_alpha.png", "PNG gray + alpha")

    rng = np.random.default_rng(5)
    a16 = a.astype(np.uint16) * 257 + rng.integers(0, 256, a.shape, dtype=np.uint16)
    png.Writer(48, 32, greyscale=False, bitdepth=16).write(open(path("rgb16.png"), "wb"), a16.reshape(32, -1).tolist())
    add_decode("rgb16.png", "PNG RGB 16-bit (high byte kept)")
    rgba16 = np.concatenate([a16, a16[..., :1]], axis=2)
    png.Writer(48, 32, greyscale=False, alpha=True, bitdepth=16).write(
        open(path("rgba16.png"), "wb"), rgba16.reshape(32, -1).tolist())
    add_decode("rgba16.png", "PNG RGBA 16-bit")
    g16 = a[..., 0].astype(np.uint16) * 3  # partly above 255: PIL's I;16 -> RGB clips
    Image.fromarray(g16).save(path("gray16.png"))
    add_decode("gray16.png", "PNG gray 16-bit (mode I;16: values above 255 clip)")
    png.Writer(48, 32, greyscale=True, bitdepth=16, interlace=True).write(
        open(path("gray16_interlaced.png"), "wb"), g16.tolist())
    add_decode("gray16_interlaced.png", "PNG gray 16-bit, Adam7")
    png.Writer(48, 32, greyscale=False, bitdepth=8, interlace=True).write(
        open(path("rgb8_interlaced.png"), "wb"), a.reshape(32, -1).tolist())
    add_decode("rgb8_interlaced.png", "PNG RGB 8-bit, Adam7")
    for bits in (1, 2, 4):
        v = (a[..., 1] >> (8 - bits)).astype(np.uint8)
        png.Writer(48, 32, greyscale=True, bitdepth=bits).write(open(path(f"gray{bits}.png"), "wb"), v.tolist())
        add_decode(f"gray{bits}.png", f"PNG gray {bits}-bit")
    png.Writer(48, 32, greyscale=True, bitdepth=8, transparent=100).write(
        open(path("gray8_trns.png"), "wb"), np.asarray(tile.convert("L")).tolist())
    add_decode("gray8_trns.png", "PNG gray 8-bit with tRNS")
    shutil.copy(path("rgb8.png"), path("png_named.jpg"))
    add_decode("png_named.jpg", "a PNG named .jpg: the format comes from the bytes")


def make_ycck(small):
    tool_dir = tempfile.mkdtemp()
    tool = os.path.join(tool_dir, "make_ycck")
    source = os.path.join(os.path.dirname(os.path.abspath(__file__)), "make_ycck.c")
    subprocess.run(["cc", source, "-ljpeg", "-o", tool], check=True)
    # Stored CMYK in Adobe files is inverted; Pillow's own CMYK writer stores it so too.
    stored = 255 - np.asarray(small.convert("CMYK"), dtype=np.uint8)
    with open(path("ycck.jpg"), "wb") as out:
        subprocess.run([tool, str(small.width), str(small.height)], input=stored.tobytes(), stdout=out, check=True)
    shutil.rmtree(tool_dir)
    add_decode("ycck.jpg", "YCCK JPEG (libjpeg turns it into CMYK)")


# ---------------------------------------------------------------- EXIF orientation

def exif_blob(orientation, big_endian=False):
    """A minimal TIFF stream whose IFD0 holds one Orientation (0x0112) SHORT entry."""
    if big_endian:
        return b"MM\x00\x2a\x00\x00\x00\x08" + struct.pack(">H", 1) + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + b"\0\0\0\0"
    exif = Image.Exif()
    exif[0x0112] = orientation
    return exif.tobytes()


def add_exif(file, orientation):
    with Image.open(path(file)) as im:
        upright = ImageOps.exif_transpose(im).convert("RGB")
    with Image.open(path(file)) as im:
        raw = im.convert("RGB")
    manifest["exif"].append({
        "file": file, "orientation": orientation,
        "upright": save_expected(file + ".upright.png", upright),
        "raw": save_expected(file + ".raw.png", raw),
    })


def make_exif_fixtures(cat):
    # Not square and not symmetric, so every one of the 8 transforms gives a different image.
    tile = cat.crop((150, 40, 330, 160)).resize((24, 16), Image.BICUBIC)
    for orientation in range(1, 9):
        name = f"orientation{orientation}.jpg"
        tile.save(path(name), quality=95, exif=exif_blob(orientation))
        add_exif(name, orientation)
    tile.save(path("orientation6_bigendian.jpg"), quality=95, exif=b"Exif\x00\x00" + exif_blob(6, big_endian=True))
    add_exif("orientation6_bigendian.jpg", 6)
    tile.save(path("orientation8.png"), exif=exif_blob(8))
    add_exif("orientation8.png", 8)


# ---------------------------------------------------------------- resizing

def keras_load_img(file, target_size):
    """keras.utils.load_img(path, target_size=(h, w)), which is convert('RGB') then a NEAREST
    resize (its `interpolation="nearest"` default) to exactly (w, h) when the size differs."""
    height, width = target_size
    img = keras.utils.load_img(path(file), target_size=target_size)
    by_hand = pil_rgb(file)
    if by_hand.size != (width, height):
        by_hand = by_hand.resize((width, height), Image.NEAREST)
    assert np.array_equal(np.asarray(img), np.asarray(by_hand)), file
    return img


def torchvision_resize(rgb, size, resample=Image.BILINEAR):
    """torchvision.transforms.Resize(size) on a PIL image: the shorter side becomes `size`,
    the longer int(size * long / short) (_compute_resized_output_size), and
    F_pil.resize calls img.resize((w, h), BILINEAR); unchanged when already that size."""
    w, h = rgb.size
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    if (new_w, new_h) == (w, h):
        return rgb
    return rgb.resize((new_w, new_h), resample)


def torchvision_center_crop(rgb, size):
    """torchvision.transforms.CenterCrop(size) on a PIL image (no padding case)."""
    w, h = rgb.size
    top = int(round((h - size) / 2.0))
    left = int(round((w - size) / 2.0))
    return rgb.crop((left, top, left + size, top + size))


def add_resize(source, rgb, out, op, **params):
    entry = {"source": source, "op": op, **params, "expected": save_expected(out, rgb)}
    manifest["resize"].append(entry)


def make_resize_fixtures(cat, coffee):
    cat_in = pil_rgb("cat.jpg")
    coffee_in = pil_rgb("coffee_progressive.jpg")
    add_resize("cat.jpg", keras_load_img("cat.jpg", (224, 224)), "cat.keras224.png", "resize",
               width=224, height=224, filter="nearest")
    add_resize("cat.jpg", torchvision_center_crop(torchvision_resize(cat_in, 256), 224),
               "cat.torchvision224.png", "shorter_side_crop", size=256, crop=224, filter="bilinear")
    add_resize("cat.jpg", cat_in.resize((224, 224), Image.BICUBIC), "cat.bicubic224.png", "resize",
               width=224, height=224, filter="bicubic")
    for f, flt in (("nearest", Image.NEAREST), ("bilinear", Image.BILINEAR), ("bicubic", Image.BICUBIC)):
        add_resize("cat.jpg", cat_in.resize((113, 71), flt), f"cat.{f}113x71.png", "resize",
                   width=113, height=71, filter=f)
        patch = cat_in.crop((200, 60, 240, 90))
        add_resize("cat.jpg", patch.resize((97, 83), flt), f"cat.patch.{f}97x83.png", "resize",
                   crop=[200, 60, 40, 30], width=97, height=83, filter=f)
        add_resize("coffee_progressive.jpg", coffee_in.resize((37, 200), flt), f"coffee.{f}37x200.png", "resize",
                   width=37, height=200, filter=f)
    add_resize("coffee_progressive.jpg", keras_load_img("coffee_progressive.jpg", (96, 128)), "coffee.keras128x96.png", "resize",
               width=128, height=96, filter="nearest")
    # Portrait: exercises the w <= h branch and a .5 crop offset (round half to even).
    portrait = coffee_in.crop((60, 0, 180, 160))
    out = torchvision_center_crop(torchvision_resize(portrait, 96), 64)
    add_resize("coffee_progressive.jpg", out, "coffee.portrait.torchvision64.png", "shorter_side_crop",
               crop_box=[60, 0, 120, 160], size=96, crop=64, filter="bilinear")


# ---------------------------------------------------------------- preprocessing

MODES = {
    # keras.applications.imagenet_utils._preprocess_numpy_input, channels_last, on float32
    "caffe": dict(order="bgr", mean=[103.939, 116.779, 123.68], std=None, divisor=None),
    "tf": dict(order="rgb", mean=[1.0, 1.0, 1.0], std=None, divisor=127.5),
    "torch": dict(order="rgb", mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225], divisor=255.0),
    "meanStd": dict(order="rgb", mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5], divisor=255.0),
}


def preprocess(rgb_uint8, mode):
    """The float32 batch a model sees. caffe/tf/torch: Keras' preprocess_input (channels_last),
    checked against its steps done by hand in float32 (in-place numpy ops with Python-float
    scalars stay float32): tf x /= 127.5; x -= 1. torch x /= 255.; x[..., c] -= mean[c];
    x[..., c] /= std[c]. caffe x = x[..., ::-1]; x[..., c] -= mean[c]. torchvision's ToTensor +
    Normalize does torch mode's float32 operations; meanStd is that with other constants."""
    m = MODES[mode]
    x = rgb_uint8.astype(np.float32)[None]
    if m["order"] == "bgr":
        x = x[..., ::-1].copy()
    if m["divisor"] is not None:
        x /= m["divisor"]
    for c in range(3):
        x[..., c] -= m["mean"][c]
    if m["std"] is not None:
        for c in range(3):
            x[..., c] /= m["std"][c]
    if mode in ("caffe", "tf", "torch"):
        from keras.applications import imagenet_utils
        by_keras = imagenet_utils.preprocess_input(rgb_uint8.astype(np.float32)[None], mode=mode,
                                                   data_format="channels_last")
        assert by_keras.dtype == np.float32 and np.array_equal(by_keras, x), mode
    return x


def make_preprocess_fixtures():
    # Every byte value in every channel, so an elementwise mapping is checked completely.
    i = np.arange(256, dtype=np.uint8).reshape(16, 16)
    levels = np.stack([i, 255 - i, (i.astype(np.int32) * 7 % 256).astype(np.uint8)], axis=2)
    Image.fromarray(levels).save(path("levels.png"))
    for mode in MODES:
        x = preprocess(levels, mode)
        np.save(path(f"levels.{mode}.nhwc.npy"), x)
        np.save(path(f"levels.{mode}.nchw.npy"), np.ascontiguousarray(x.transpose(0, 3, 1, 2)))
        manifest["preprocess"].append({
            "input": "levels.png", "mode": mode, **{k: v for k, v in MODES[mode].items()},
            "nhwc": f"levels.{mode}.nhwc.npy", "nchw": f"levels.{mode}.nchw.npy",
        })


def make_pipeline_fixtures():
    """Whole pipelines on a photo: the float tensor is too big to commit, so a sample of
    values at fixed positions plus the sum stand in for it."""
    rng = np.random.default_rng(11)
    cases = [
        ("keras_caffe", "cat.jpg", keras_load_img("cat.jpg", (224, 224)), "caffe", "nhwc"),
        ("keras_tf", "coffee_progressive.jpg", keras_load_img("coffee_progressive.jpg", (224, 224)), "tf", "nhwc"),
        ("torchvision", "cat.jpg", torchvision_center_crop(torchvision_resize(pil_rgb("cat.jpg"), 256), 224), "torch", "nchw"),
    ]
    for name, file, rgb, mode, layout in cases:
        x = preprocess(np.asarray(rgb), mode)
        if layout == "nchw":
            x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
        flat = x.reshape(-1)
        positions = sorted(rng.choice(flat.size, 64, replace=False).tolist())
        manifest["pipeline"].append({
            "name": name, "file": file, "mode": mode, "layout": layout, "shape": list(x.shape),
            "positions": positions, "values": [float(flat[p]) for p in positions],
            "sum": float(flat.astype(np.float64).sum()),
        })


# ---------------------------------------------------------------- broken files

def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def add_bad(file, error, data):
    with open(path(file), "wb") as f:
        f.write(data)
    try:
        Image.open(path(file)).convert("RGB")
        pil = "opened"
    except Exception as e:  # what PIL says, for the record
        pil = f"{type(e).__name__}: {e}".replace(path(file), file)
    manifest["bad"].append({"file": file, "error": error, "pil": pil})


def make_bad_fixtures():
    cat = open(path("cat.jpg"), "rb").read()
    add_bad("truncated.jpg", "truncated", cat[: len(cat) // 2])
    add_bad("truncated_no_eoi.jpg", "truncated", cat[:-2])
    prog = open(path("coffee_progressive.jpg"), "rb").read()
    add_bad("truncated_progressive.jpg", "truncated", prog[: len(prog) * 3 // 5])
    rgb8 = open(path("rgb8.png"), "rb").read()
    add_bad("truncated.png", "truncated", rgb8[: len(rgb8) // 2])
    add_bad("empty.jpg", "empty", b"")
    add_bad("text.jpg", "notAnImage", b"this is a text file, not a photo\n")
    add_bad("header_only.jpg", "truncated", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    bad_crc = bytearray(rgb8)
    bad_crc[29] ^= 0xFF  # inside IHDR's CRC
    add_bad("bad_crc.png", "corrupt", bytes(bad_crc))
    ihdr = struct.pack(">IIBBBBB", 30000, 30000, 8, 2, 0, 0, 0)
    huge = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(b"\0" * 16)) + png_chunk(b"IEND", b"")
    add_bad("huge.png", "tooManyPixels", huge)
    # A tiny gray JPEG whose SOF0 claims 60000x60000.
    buf = io.BytesIO()
    Image.new("L", (8, 8), 128).save(buf, "JPEG")
    jpg = bytearray(buf.getvalue())
    sof = jpg.index(b"\xff\xc0")
    jpg[sof + 5: sof + 9] = struct.pack(">HH", 60000, 60000)
    add_bad("huge.jpg", "tooManyPixels", bytes(jpg))


def main():
    if os.path.isdir(OUT):
        for name in os.listdir(OUT):
            if name != ".keep":
                os.remove(path(name))
    os.makedirs(OUT, exist_ok=True)
    cat = photo("chelsea.png")
    coffee = photo("coffee.png")
    make_decode_fixtures(cat, coffee)
    make_exif_fixtures(cat)
    make_resize_fixtures(cat, coffee)
    make_preprocess_fixtures()
    make_pipeline_fixtures()
    make_bad_fixtures()
    with open(path("manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(path(n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total / 1024:.0f} KiB, to {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
