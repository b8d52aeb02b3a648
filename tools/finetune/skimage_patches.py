#!/usr/bin/env python3
"""Small real-image classification sets for checking `zoo finetune` by hand (not run in CI).

Cuts the public-domain / CC0 sample photos that scikit-image ships (skimage/data, see each
image's licence in skimage/data/_fetchers.py) into grid patches, in the ImageFolder layout:

  OUT/textures/{train,test}/{brick,grass,gravel}/*.png   64x64 patches of the CC0 Textures
  OUT/photos/{train,test}/{astronaut,chelsea,coffee,hubble,ihc,rocket}/*.png
                                                          square patches of each photo; the
                                                          class is the photo a patch comes from

A patch goes to test/ when (row + column) % 3 == 0, so test patches are never pixel-copies of
training ones (neighbours still share content). Needs Pillow and numpy; the images come from an
installed scikit-image, or from --skimage-data pointing at an unpacked wheel's skimage/data.

  python3 tools/finetune/skimage_patches.py -o /tmp/skimage-sets [--photo-grid 4]
"""
import argparse
import os
import pathlib

import numpy as np
from PIL import Image

TEXTURES = ["brick", "grass", "gravel"]
# Photos whose licence scikit-image gives as CC0 or public domain.
PHOTOS = {"astronaut": "astronaut.png", "chelsea": "chelsea.png", "coffee": "coffee.png",
          "hubble": "hubble_deep_field.jpg", "ihc": "ihc.png", "rocket": "rocket.jpg"}


def data_folder(given):
    if given:
        return pathlib.Path(given)
    import skimage.data
    return pathlib.Path(skimage.data.__file__).parent


def save_grid(image, size, folder, name):
    """Writes the size x size grid patches of an RGB array to folder/{train,test}/name/."""
    rows, cols = image.shape[0] // size, image.shape[1] // size
    counts = {"train": 0, "test": 0}
    for r in range(rows):
        for c in range(cols):
            split = "test" if (r + c) % 3 == 0 else "train"
            out = folder / split / name
            out.mkdir(parents=True, exist_ok=True)
            patch = image[r * size:(r + 1) * size, c * size:(c + 1) * size]
            Image.fromarray(patch).save(out / f"{name}_{r}_{c}.png")
            counts[split] += 1
    return counts


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-o", "--output", required=True)
    parser.add_argument("--skimage-data")
    parser.add_argument("--photo-grid", type=int, default=4, help="patches per shorter side of a photo (more: smaller, harder)")
    args = parser.parse_args()
    data = data_folder(args.skimage_data)
    out = pathlib.Path(args.output)
    for name in TEXTURES:
        image = np.asarray(Image.open(data / f"{name}.png").convert("RGB"))
        print("textures", name, save_grid(image, 64, out / "textures", name))
    for name, file in PHOTOS.items():
        image = np.asarray(Image.open(data / file).convert("RGB"))
        size = min(image.shape[:2]) // args.photo_grid
        print("photos", name, image.shape, size, save_grid(image, size, out / "photos", name))


if __name__ == "__main__":
    main()
