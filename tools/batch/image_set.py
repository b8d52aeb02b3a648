"""The image set of the batch tools (issue 21): the repository's sample photos (zoo/samples),
linked again and again into one folder under distinct names until there are `count`, in a
fixed order, so every tool and every run sees the same list."""
import os
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "zoo" / "samples"


def make_image_set(folder: Path, count: int) -> list[str]:
    """Fills `folder` with `count` symbolic links to the sample photos; returns their paths, sorted."""
    photos = sorted(p for p in SAMPLES.iterdir() if p.suffix == ".jpg")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        photo = photos[i % len(photos)]
        link = folder / f"{i:06d}-{photo.name}"
        if not link.exists():
            os.symlink(photo, link)
        paths.append(str(link))
    return sorted(paths)


def write_list(paths: list[str], file: Path) -> Path:
    file.write_text("".join(p + "\n" for p in paths))
    return file
