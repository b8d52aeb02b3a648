#!/usr/bin/env python3
"""Writes zoo/samples: small photos for the README and the real-weight tests.

All come from scikit-image's bundled sample data (skimage/data), whose docstrings give their
licences; each is re-encoded as a baseline JPEG under 100 KB. zoo/samples/LICENSES.md says
where each came from.

    python3 tools/vision/make_samples.py   (with tools/vision/requirements.txt installed)
"""
import os

import skimage
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "zoo", "samples")
DATA = os.path.join(os.path.dirname(skimage.__file__), "data")

# output name -> (scikit-image file, longest side in pixels)
SAMPLES = {
    "cat.jpg": ("chelsea.png", 451),
    "coffee.jpg": ("coffee.png", 600),
    "rocket.jpg": ("rocket.jpg", 480),
    "astronaut.jpg": ("astronaut.png", 512),
}


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, (source, longest) in SAMPLES.items():
        image = Image.open(os.path.join(DATA, source)).convert("RGB")
        scale = longest / max(image.size)
        if scale < 1:
            image = image.resize((round(image.width * scale), round(image.height * scale)), Image.LANCZOS)
        target = os.path.join(OUT, name)
        for quality in (88, 84, 80, 75, 70):
            image.save(target, quality=quality, optimize=True)
            if os.path.getsize(target) < 100_000:
                break
        print(f"{name}: {image.width}x{image.height}, {os.path.getsize(target) // 1024} KiB")


if __name__ == "__main__":
    main()
