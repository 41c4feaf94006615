#!/usr/bin/python3
"""Makes the fixtures of tests/imaging/reader_gray_test.ts and records what the native tool
reads from each: cv2.imread(IMREAD_GRAYSCALE) for PNG (libpng's rgb_to_gray, with gamma when
the file declares one), JPEG and WebP (with EXIF orientations), and PIL's convert("L") for GIF
(cv2 cannot read GIF).

Usage: /usr/bin/python3 scripts/gray_reference.py   (needs python3-opencv and python3-pil)
Writes tests/fixtures/reader_gray/*.{png,gif,jpg,webp} and expected.json (size and SHA-256 of the grey).
"""
import hashlib, json, os, struct, zlib
import cv2
import numpy as np
from PIL import Image, PngImagePlugin

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures", "reader_gray")
SOURCE = os.path.join(HERE, "..", "..", "shared", "datasets", "lfw10", "George_W_Bush",
                      "George_W_Bush_0001.jpg")


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with(path, img, extra):
    """Saves img as PNG with extra ancillary chunks inserted right after IHDR."""
    img.save(path)
    raw = open(path, "rb").read()
    ihdr_end = 8 + 8 + 13 + 4
    open(path, "wb").write(raw[:ihdr_end] + b"".join(chunk(k, d) for k, d in extra) + raw[ihdr_end:])


def saver(img, orientation, **options):
    exif = Image.Exif()
    exif[0x0112] = orientation
    return lambda path: img.save(path, exif=exif.tobytes(), **options)


def main():
    os.makedirs(OUT, exist_ok=True)
    photo = Image.open(SOURCE).convert("RGB").crop((80, 70, 141, 141))  # 61x71: odd width
    rgba = np.array(photo.convert("RGBA"))
    rgba[..., 3] = np.linspace(0, 255, rgba.shape[1]).astype(np.uint8)[None, :]
    made = {
        "rgb.png": lambda p: photo.save(p),
        "rgba.png": lambda p: Image.fromarray(rgba).save(p),
        "palette.png": lambda p: photo.convert("P", palette=Image.ADAPTIVE).save(p),
        "gamma_045.png": lambda p: png_with(p, photo, [(b"gAMA", struct.pack(">I", 45455))]),
        "gamma_1.png": lambda p: png_with(p, photo, [(b"gAMA", struct.pack(">I", 100000))]),
        "gamma_07.png": lambda p: png_with(p, photo, [(b"gAMA", struct.pack(">I", 70000))]),
        "srgb.png": lambda p: png_with(p, photo, [(b"sRGB", b"\x00")]),
        "adaptive.gif": lambda p: photo.convert("P", palette=Image.ADAPTIVE).save(p),
        "web.gif": lambda p: photo.convert("P").save(p),
        # EXIF orientation: cv2 4.6 applies it to JPEG and PNG, not to WebP.
        **{f"orientation_{o}.jpg": saver(photo, o, quality=95) for o in range(1, 9)},
        "orientation_6.png": saver(photo, 6),
        "orientation_6.webp": saver(photo, 6, lossless=True),
    }
    expected = {}
    for name, make in made.items():
        path = os.path.join(OUT, name)
        make(path)
        if name.endswith(".gif"):
            gray = np.array(Image.open(path).convert("L"))
        else:
            gray = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
        expected[name] = {"width": int(gray.shape[1]), "height": int(gray.shape[0]),
                          "sha256": hashlib.sha256(gray.tobytes()).hexdigest()}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")
    print(f"wrote {len(expected)} fixtures to {OUT}")


if __name__ == "__main__":
    main()
