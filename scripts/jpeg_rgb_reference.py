#!/usr/bin/python3
"""Colour reference hashes for tests/imaging/jpeg_rgb_test.ts.

  /usr/bin/python3 scripts/jpeg_rgb_reference.py

Reads the JPEG fixtures that scripts/jpeg_reference.py wrote into tests/fixtures/jpeg/ and
writes tests/fixtures/jpeg/expected_rgb.json: for each one cv2.imread(path, IMREAD_COLOR) can
read, its size and the SHA-256 of its pixels in RGB order (cv2 gives BGR).
"""
import glob, hashlib, json, os
import cv2
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIR = os.path.join(ROOT, "tests", "fixtures", "jpeg")

out = {}
for path in sorted(glob.glob(os.path.join(DIR, "*.jpg"))):
    bgr = cv2.imread(path, cv2.IMREAD_COLOR)
    if bgr is None:
        continue
    rgb = np.ascontiguousarray(bgr[:, :, ::-1])
    out[os.path.basename(path)] = {
        "width": int(rgb.shape[1]),
        "height": int(rgb.shape[0]),
        "sha256": hashlib.sha256(rgb.tobytes()).hexdigest(),
    }
with open(os.path.join(DIR, "expected_rgb.json"), "w") as f:
    json.dump({"generator": "scripts/jpeg_rgb_reference.py", "opencv": cv2.__version__,
               "fixtures": out}, f, indent=2, sort_keys=True)
    f.write("\n")
print(f"{len(out)} fixtures")
