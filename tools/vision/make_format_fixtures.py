"""Fixtures for the WebP, TIFF, GIF and BMP readers (Tests/ZooVisionTests/Fixtures/formats/).

Each file is small (a few KB) and listed in formats.json with what Pillow makes of it:
`Image.open(f).convert("RGB")` saved as a lossless PNG next to it, and for files with an
orientation the upright image `ImageOps.exif_transpose` gives. Variants Pillow cannot write
(tiled, 16-bit RGB, premultiplied alpha and min-is-white TIFFs, most BMP layouts, a GIF frame
smaller than its screen) are built byte by byte here and then read back with Pillow. Broken
and hostile files (truncated, wrong content, huge claimed sizes) are listed under "bad".

Run by hand (needs only Pillow and numpy, pinned in requirements.txt):
    python tools/vision/make_format_fixtures.py
The source picture is the committed cat.jpg fixture (CC0, see make_fixtures.py).
"""
import io
import json
import os
import shutil
import struct

import numpy as np
import PIL
from PIL import Image, ImageOps

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FIXTURES = os.path.join(ROOT, "Tests", "ZooVisionTests", "Fixtures")
OUT = os.path.join(FIXTURES, "formats")

manifest = {"generator": "tools/vision/make_format_fixtures.py", "pillow": PIL.__version__,
            "decode": [], "exif": [], "bad": []}


def path(name):
    return os.path.join(OUT, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)


def add_decode(file, note, same_as=None):
    """Records what Pillow reads: convert('RGB'), EXIF ignored (as Keras and torchvision), as a
    PNG next to the file, or `same_as` when that PNG already holds exactly these pixels."""
    with Image.open(path(file)) as im:
        rgb = im.convert("RGB")
    expected = file + ".expected.png"
    if same_as:
        with Image.open(path(same_as)) as im:
            assert im.convert("RGB").tobytes() == rgb.tobytes(), f"{file} differs from {same_as}"
        expected = same_as
    else:
        rgb.save(path(expected))
    manifest["decode"].append({"file": file, "note": note, "width": rgb.width, "height": rgb.height,
                               "expected": expected})


def add_exif(file, orientation):
    with Image.open(path(file)) as im:
        upright = ImageOps.exif_transpose(im).convert("RGB")
    upright.save(path(file + ".upright.png"))
    manifest["exif"].append({"file": file, "orientation": orientation, "upright": file + ".upright.png"})


def add_bad(file, error, data):
    write(file, data)
    try:
        Image.open(path(file)).convert("RGB")
        pil = "opened"
    except Exception as e:  # what Pillow says, for the record
        pil = f"{type(e).__name__}: {e}".replace(path(file), file)
    manifest["bad"].append({"file": file, "error": error, "pil": pil})


def exif_blob(orientation):
    """A little-endian TIFF stream whose IFD0 holds only the Orientation tag."""
    return b"II*\x00" + struct.pack("<I", 8) + struct.pack("<HHHIHHI", 1, 0x0112, 3, 1, orientation, 0, 0)


# ---------------------------------------------------------------- WebP

def make_webp(tile, rgba):
    tile.save(path("lossy.webp"), quality=80)
    add_decode("lossy.webp", "WebP lossy (VP8)")
    tile.save(path("lossless.webp"), lossless=True)
    add_decode("lossless.webp", "WebP lossless (VP8L)")
    rgba.save(path("alpha_lossy.webp"), quality=80)
    add_decode("alpha_lossy.webp", "WebP lossy with an ALPH chunk (alpha dropped)")
    rgba.save(path("alpha_lossless.webp"), lossless=True, exact=True)
    add_decode("alpha_lossless.webp", "WebP lossless RGBA, colour kept under transparency")
    frames = [tile, tile.transpose(Image.FLIP_LEFT_RIGHT), tile.convert("L").convert("RGB")]
    frames[0].save(path("animated.webp"), save_all=True, append_images=frames[1:], duration=100, lossless=True)
    add_decode("animated.webp", "animated WebP, 3 frames (the first is read)")
    tile.save(path("exif.webp"), quality=80, exif=exif_blob(6))
    add_decode("exif.webp", "WebP lossy with an EXIF chunk, orientation 6")
    add_exif("exif.webp", 6)
    shutil.copy(path("lossy.webp"), path("webp_named.jpg"))
    add_decode("webp_named.jpg", "a WebP named .jpg: the format comes from the bytes")


# ---------------------------------------------------------------- TIFF

def tiff(width, height, photometric, bits, samples, pixels, tags=(), tile=None, big_endian=False):
    """An uncompressed TIFF: `pixels` are the packed rows (or, with `tile`, packed tiles)."""
    e = ">" if big_endian else "<"
    entries = {256: (4, [width]), 257: (4, [height]), 258: (3, [bits] * samples), 259: (3, [1]),
               262: (3, [photometric]), 277: (3, [samples])}
    if tile:
        entries[322], entries[323] = (4, [tile[0]]), (4, [tile[1]])
        entries[324], entries[325] = (4, [0] * len(pixels)), (4, [len(p) for p in pixels])
        chunks = pixels
    else:
        chunks = [pixels]
        entries[273], entries[278], entries[279] = (4, [0]), (4, [height]), (4, [len(pixels)])
    for tag, kind, values in tags:
        entries[tag] = (kind, values)
    size = {3: 2, 4: 4}
    n = len(entries)
    ifd_size = 2 + 12 * n + 4
    extra_at = 8 + ifd_size
    extra = b""
    # Out-of-line values first, then the pixel data; offsets are patched in a second pass.
    layout = {}
    for tag in sorted(entries):
        kind, values = entries[tag]
        if size[kind] * len(values) > 4:
            layout[tag] = extra_at + len(extra)
            extra += b"\0" * (size[kind] * len(values))
    data_at = extra_at + len(extra)
    offsets, at = [], data_at
    for c in chunks:
        offsets.append(at)
        at += len(c)
    entries[324 if tile else 273] = (4, offsets)
    out_ifd = struct.pack(e + "H", n)
    extra = bytearray(extra)
    for tag in sorted(entries):
        kind, values = entries[tag]
        fmt = e + ("H" if kind == 3 else "I") * len(values)
        packed = struct.pack(fmt, *values)
        if tag in layout:
            extra[layout[tag] - extra_at: layout[tag] - extra_at + len(packed)] = packed
            out_ifd += struct.pack(e + "HHII", tag, kind, len(values), layout[tag])
        else:
            out_ifd += struct.pack(e + "HHI", tag, kind, len(values)) + packed.ljust(4, b"\0")
    out_ifd += struct.pack(e + "I", 0)
    header = (b"MM\x00*" if big_endian else b"II*\x00") + struct.pack(e + "I", 8)
    return header + out_ifd + bytes(extra) + b"".join(chunks)


def pack_bits(values, bits):
    """Rows of small integers packed MSB first, each row padded to a byte."""
    rows = []
    for row in values:
        acc, n, out = 0, 0, bytearray()
        for v in row:
            acc = acc << bits | int(v)
            n += bits
            if n == 8:
                out.append(acc)
                acc, n = 0, 0
        if n:
            out.append(acc << (8 - n))
        rows.append(bytes(out))
    return b"".join(rows)


def make_tiff(tile, rgba):
    a = np.asarray(tile)
    h, w = a.shape[:2]
    tile.save(path("rgb.tif"))
    add_decode("rgb.tif", "TIFF RGB 8-bit, uncompressed")
    tile.save(path("rgb_lzw.tif"), compression="tiff_lzw")
    add_decode("rgb_lzw.tif", "TIFF RGB, LZW")
    tile.save(path("rgb_jpeg.tif"), compression="jpeg", quality=85)
    add_decode("rgb_jpeg.tif", "TIFF with JPEG compression")
    rgba.save(path("rgba_deflate.tif"), compression="tiff_adobe_deflate")
    add_decode("rgba_deflate.tif", "TIFF RGBA (unassociated alpha, dropped), Deflate")
    tile.convert("L").save(path("gray.tif"), compression="packbits")
    add_decode("gray.tif", "TIFF gray 8-bit, PackBits")
    tile.convert("1").save(path("bilevel.tif"), compression="group4")
    add_decode("bilevel.tif", "TIFF 1-bit, CCITT group 4")
    tile.convert("P", palette=Image.ADAPTIVE, colors=50).save(path("palette.tif"))
    add_decode("palette.tif", "TIFF palette 8-bit")
    g16 = (a[..., 0].astype(np.uint16) * 3)  # partly above 255: Pillow's I;16 -> RGB clips
    Image.fromarray(g16).save(path("gray16.tif"))
    add_decode("gray16.tif", "TIFF gray 16-bit (values above 255 clip)")

    rng = np.random.default_rng(7)
    rgb16 = a.astype(np.uint16) * 257 + rng.integers(0, 256, a.shape, dtype=np.uint16)
    write("rgb16_be.tif", tiff(w, h, 2, 16, 3, rgb16.astype(">u2").tobytes(), big_endian=True))
    add_decode("rgb16_be.tif", "TIFF RGB 16-bit, big-endian (high byte kept)")
    alpha = (np.arange(w * h).reshape(h, w) * 7 % 256).astype(np.uint16)
    premultiplied = np.concatenate([a.astype(np.uint16) * alpha[..., None] // 255, alpha[..., None]], axis=2)
    write("rgba_premultiplied.tif", tiff(w, h, 2, 8, 4, premultiplied.astype(np.uint8).tobytes(), tags=[(338, 3, [1])]))
    add_decode("rgba_premultiplied.tif", "TIFF RGBA with associated (premultiplied) alpha, undone as Pillow does")
    gray = np.asarray(tile.convert("L"))
    for bits in (2, 4):
        write(f"gray{bits}_miniswhite.tif", tiff(w, h, 0, bits, 1, pack_bits(gray >> (8 - bits), bits)))
        add_decode(f"gray{bits}_miniswhite.tif", f"TIFF gray {bits}-bit, min-is-white")
    tiles = []
    for ty in range(0, h, 16):
        for tx in range(0, w, 16):
            block = np.zeros((16, 16, 3), np.uint8)
            part = a[ty:ty + 16, tx:tx + 16]
            block[:part.shape[0], :part.shape[1]] = part
            tiles.append(block.tobytes())
    write("rgb_tiled.tif", tiff(w, h, 2, 8, 3, tiles, tile=(16, 16)))
    add_decode("rgb_tiled.tif", "TIFF RGB in 16x16 tiles, the last ones partly outside the image")
    tile.save(path("orientation.tif"), tiffinfo={274: 8})
    add_decode("orientation.tif", "TIFF with Orientation 8 in its own directory")
    add_exif("orientation.tif", 8)


# ---------------------------------------------------------------- GIF

def gif_first_image_descriptor(data):
    """Offset of the first image descriptor (0x2C) in a GIF."""
    flags = data[10]
    at = 13 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
    while data[at] == 0x21:
        at += 2
        while data[at]:
            at += data[at] + 1
        at += 1
    assert data[at] == 0x2C
    return at


def make_gif(tile):
    tile.save(path("still.gif"))
    add_decode("still.gif", "GIF 256-colour palette, interlaced (Pillow's default)")
    tile.quantize(16).save(path("plain.gif"), interlace=False)
    add_decode("plain.gif", "GIF 16 colours, not interlaced")
    tile.convert("L").save(path("gray.gif"))
    add_decode("gray.gif", "GIF with a gray-ramp palette (Pillow reads it as L)")
    p = tile.quantize(32)
    p.save(path("transparent.gif"), transparency=5, interlace=False)
    add_decode("transparent.gif", "GIF with a transparent index (its colour is kept)")
    frames = [tile.quantize(64), tile.transpose(Image.FLIP_TOP_BOTTOM).quantize(64), tile.convert("L").quantize(8)]
    frames[0].save(path("animated.gif"), save_all=True, append_images=frames[1:], duration=80, loop=0)
    add_decode("animated.gif", "animated GIF, 3 frames (the first is read)")
    # A first frame smaller than the logical screen, at an offset: the rest of the screen is
    # background index 0, or the transparent index when the frame has one.
    small = bytearray(open(path("plain.gif"), "rb").read())
    small[6:10] = struct.pack("<HH", tile.width + 11, tile.height + 7)
    d = gif_first_image_descriptor(small)
    small[d + 1:d + 5] = struct.pack("<HH", 6, 4)
    write("offset_frame.gif", bytes(small))
    add_decode("offset_frame.gif", "GIF whose first frame sits at (6, 4) on a larger screen")


# ---------------------------------------------------------------- BMP

def bmp(width, height, bits, rows, palette=b"", compression=0, masks=None, core=False, top_down=False, data=None):
    """A BMP from packed rows (top row first; stored bottom-up unless `top_down`), or from
    `data` already in stored order (run-length encoded pixels)."""
    stride = ((width * bits + 31) // 32) * 4
    stored = [r.ljust(stride, b"\0") for r in rows]
    if not top_down:
        stored.reverse()
    pixels = data if data is not None else b"".join(stored)
    if core:
        info = struct.pack("<IHHHH", 12, width, height, 1, bits)
    else:
        size = 108 if masks and len(masks) == 4 else 40
        info = struct.pack("<IiiHHIIiiII", size, width, -height if top_down else height, 1, bits,
                           compression, len(pixels), 2835, 2835, 0, 0)
        if size == 108:
            info += struct.pack("<IIII", *masks) + b"sRGB" + b"\0" * 48
        elif masks:
            info += struct.pack("<III", *masks)
    offset = 14 + len(info) + len(palette)
    return b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset) + info + palette + pixels


def rle(indices, nibbles):
    """BI_RLE8/BI_RLE4 data for rows of indices (stored order): each row mixes an encoded run,
    an absolute run and an end-of-line; one row is skipped with a delta. Ends with end-of-bitmap."""
    out = bytearray()
    h = len(indices)
    for y, row in enumerate(indices):
        if y == 2:
            out += bytes([0, 2, 0, 1])  # delta: up one row, the skipped row becomes index 0
            continue
        row = list(row)
        run = 5
        value = row[0]
        out += bytes([run, (value << 4 | row[1]) if nibbles else value])
        rest = row[run:]
        n = len(rest) - 3  # leave 3 pixels to the end-of-line padding
        if nibbles:
            packed = bytes((rest[i] << 4 | (rest[i + 1] if i + 1 < n else 0)) for i in range(0, n, 2))
        else:
            packed = bytes(rest[:n])
        out += bytes([0, n]) + packed
        if len(out) % 2:
            out += b"\0"
        out += bytes([0, 0])
    out += bytes([0, 1])
    return bytes(out)


def make_bmp(tile, rgba):
    a = np.asarray(tile)
    h, w = a.shape[:2]
    tile.save(path("rgb24.bmp"))
    add_decode("rgb24.bmp", "BMP 24-bit, bottom-up (written by Pillow)")
    rgba.save(path("rgba32.bmp"))
    add_decode("rgba32.bmp", "BMP 32-bit from RGBA (written by Pillow)")
    tile.convert("L").save(path("gray8.bmp"))
    add_decode("gray8.bmp", "BMP 8-bit gray palette")
    tile.convert("P", palette=Image.ADAPTIVE, colors=60).save(path("palette8.bmp"))
    add_decode("palette8.bmp", "BMP 8-bit palette")
    tile.convert("1").save(path("bilevel1.bmp"))
    add_decode("bilevel1.bmp", "BMP 1-bit black and white")

    q = tile.quantize(16)
    idx = np.asarray(q)
    pal = bytes(q.getpalette()[:48])
    bgrx = b"".join(bytes([pal[3 * i + 2], pal[3 * i + 1], pal[3 * i], 0]) for i in range(16))
    write("palette4.bmp", bmp(w, h, 4, [pack_bits(r[None], 4) for r in idx], bgrx))
    add_decode("palette4.bmp", "BMP 4-bit palette")
    two = (idx % 2)[..., None]
    write("palette1_colors.bmp", bmp(w, h, 1, [pack_bits(r[None], 1) for r in two[..., 0]],
                                     b"\x20\x80\xc0\x00\x10\xf0\x30\x00"))
    add_decode("palette1_colors.bmp", "BMP 1-bit with a two-colour (not black/white) palette")
    write("palette8_core.bmp", bmp(w, h, 8, [bytes(r) for r in idx], b"".join(
        bytes([pal[3 * i + 2], pal[3 * i + 1], pal[3 * i]]) for i in range(16)) + b"\0" * 3 * 240, core=True))
    add_decode("palette8_core.bmp", "BMP 8-bit, OS/2 core header (3-byte palette entries)")
    stored = idx[::-1]
    write("rle8.bmp", bmp(w, h, 8, [], bgrx, compression=1, data=rle(stored, False)))
    add_decode("rle8.bmp", "BMP BI_RLE8: encoded and absolute runs, end-of-line, delta")
    write("rle4.bmp", bmp(w, h, 4, [], bgrx, compression=2, data=rle(stored, True)))
    add_decode("rle4.bmp", "BMP BI_RLE4: encoded and absolute runs, end-of-line, delta")
    bgr = a[..., ::-1]
    write("rgb24_topdown.bmp", bmp(w, h, 24, [r.tobytes() for r in bgr], top_down=True))
    add_decode("rgb24_topdown.bmp", "BMP 24-bit, top-down (negative height)")
    x = np.concatenate([bgr, np.full((h, w, 1), 77, np.uint8)], axis=2)
    write("bgrx32.bmp", bmp(w, h, 32, [r.tobytes() for r in x]))
    add_decode("bgrx32.bmp", "BMP 32-bit BI_RGB (BGRX)")
    rgba_bytes = np.concatenate([a, np.asarray(rgba)[..., 3:]], axis=2)
    write("bitfields32_rgba.bmp", bmp(w, h, 32, [r.tobytes() for r in rgba_bytes], compression=3,
                                      masks=(0xFF, 0xFF00, 0xFF0000, 0xFF000000)))
    add_decode("bitfields32_rgba.bmp", "BMP 32-bit BI_BITFIELDS, R G B A byte order, V4 header")
    r5, g6, b5 = (a[..., 0] >> 3).astype(np.uint16), (a[..., 1] >> 2).astype(np.uint16), (a[..., 2] >> 3).astype(np.uint16)
    w565 = (r5 << 11 | g6 << 5 | b5).astype("<u2")
    write("bitfields16_565.bmp", bmp(w, h, 16, [r.tobytes() for r in w565], compression=3, masks=(0xF800, 0x7E0, 0x1F)))
    add_decode("bitfields16_565.bmp", "BMP 16-bit 5-6-5 (BI_BITFIELDS)")
    w555 = (r5 << 10 | (g6 >> 1) << 5 | b5).astype("<u2")
    write("rgb16_555.bmp", bmp(w, h, 16, [r.tobytes() for r in w555]))
    add_decode("rgb16_555.bmp", "BMP 16-bit 5-5-5 (BI_RGB)")


# ---------------------------------------------------------------- broken and hostile files

def make_bad():
    for name in ("lossy.webp", "rgb_lzw.tif", "rgb.tif", "still.gif", "rgb24.bmp"):
        data = open(path(name), "rb").read()
        stem, ext = name.rsplit(".", 1)
        add_bad(f"truncated_{stem}.{ext}", "truncated", data[: len(data) // 2])
    webp = bytearray(open(path("lossless.webp"), "rb").read())
    webp[20] ^= 0xFF  # the VP8L signature byte
    add_bad("corrupt.webp", "corrupt", bytes(webp))
    gif = bytearray(open(path("plain.gif"), "rb").read())
    d = gif_first_image_descriptor(gif)
    gif[d + 10] = 12  # LZW minimum code size beyond the limit of 8 (+1 = 13 bits)
    add_bad("corrupt.gif", "corrupt", bytes(gif))
    add_bad("empty_ifd.tif", "corrupt", b"II*\x00" + struct.pack("<I", 8) + b"\0" * 32)
    add_bad("rle8_short.bmp", "corrupt", bmp(4, 2, 8, [], b"\0" * 1024, compression=1, data=bytes([4, 7, 0, 1])))
    add_bad("bitfields_10bit.bmp", "unsupported", bmp(2, 2, 32, [b"\0" * 8] * 2, compression=3,
                                                     masks=(0x3FF00000, 0xFFC00, 0x3FF)))
    # Headers that claim far more than PIL's 178,956,970-pixel limit, with almost no data.
    add_bad("huge.bmp", "tooManyPixels", bmp(30000, 30000, 24, [])[:54] + b"\0" * 64)
    add_bad("huge.tif", "tooManyPixels", tiff(100000, 100000, 1, 8, 1, b"\0" * 64))
    add_bad("huge_tile.tif", "corrupt", tiff(4, 4, 1, 8, 1, [b"\0" * 64], tile=(65536, 65536)))
    huge_gif = bytearray(open(path("plain.gif"), "rb").read())
    huge_gif[6:10] = struct.pack("<HH", 65535, 65535)
    add_bad("huge.gif", "tooManyPixels", bytes(huge_gif))
    # An animated WebP whose canvas is 16384x16384 around one 1x1 frame.
    one = io.BytesIO()
    Image.new("RGB", (1, 1)).save(one, "WEBP", save_all=True, append_images=[Image.new("RGB", (1, 1), 9)], lossless=True)
    webp = bytearray(one.getvalue())
    vp8x = webp.index(b"VP8X")
    webp[vp8x + 12:vp8x + 18] = (16383).to_bytes(3, "little") * 2
    add_bad("huge.webp", "tooManyPixels", bytes(webp))


def make_cli_samples():
    """The sample cat in every format, for `zoo predict` (Tests/ZooCLITests): PNG, lossless
    WebP, Deflate TIFF and BMP hold the same pixels; the GIF is quantized to 256 colours."""
    cat = Image.open(os.path.join(ROOT, "zoo", "samples", "cat.jpg")).convert("RGB").resize((96, 64), Image.BICUBIC)
    cat.save(path("cat96.png"))
    cat.save(path("cat96.webp"), lossless=True)
    cat.save(path("cat96.tif"), compression="tiff_adobe_deflate")
    cat.save(path("cat96.bmp"))
    cat.save(path("cat96.gif"))
    for ext in ("webp", "tif", "bmp"):
        add_decode(f"cat96.{ext}", f"the sample cat, 96x64, as {ext.upper()}", same_as="cat96.png")
    add_decode("cat96.gif", "the sample cat, 96x64, as GIF")


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    cat = Image.open(os.path.join(FIXTURES, "cat.jpg")).convert("RGB")
    tile = cat.resize((40, 28), Image.BICUBIC)
    rgba = tile.copy()
    rgba.putalpha(Image.fromarray((np.arange(40 * 28).reshape(28, 40) * 5 % 256).astype(np.uint8)))
    make_webp(tile, rgba)
    make_tiff(tile, rgba)
    make_gif(tile)
    make_bmp(tile, rgba)
    make_cli_samples()
    make_bad()
    with open(path("formats.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    total = sum(os.path.getsize(path(n)) for n in os.listdir(OUT))
    print(f"wrote {len(os.listdir(OUT))} files, {total / 1024:.0f} KiB, to {os.path.relpath(OUT, ROOT)}")


if __name__ == "__main__":
    main()
