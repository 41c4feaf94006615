#!/usr/bin/python3
"""The colour face crops in fixtures/bbt/colour/, for the demo and tests/e2e/group_photos_test.ts.

  /usr/bin/python3 scripts/bbt_colour_crops.py

Cuts each face below from ../shared/datasets/bbt/group/bbtN.jpg with a margin of 45% of the
larger side of its box (clamped to the photo) and saves it as JPEG quality 90 (PIL). The boxes
are what `deno task client identify bbtN.jpg --json` reported with YuNet; who is who was checked
by eye. bbt2 is left out, so that one group photo has no crop in the repository at all.
"""
import os
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GROUPS = os.path.normpath(os.path.join(ROOT, "..", "shared", "datasets", "bbt", "group"))
OUT = os.path.join(ROOT, "fixtures", "bbt", "colour")
MARGIN = 0.45

# photo, x, y, width, height, person
BOXES = [
    (1, 1002, 70, 97, 148, "sheldon"),
    (1, 213, 129, 98, 129, "raj"),
    (1, 732, 133, 90, 125, "howard"),
    (1, 476, 145, 91, 119, "leonard"),
    (3, 490, 94, 60, 79, "leonard"),
    (3, 36, 24, 58, 77, "sheldon"),
    (3, 367, 107, 52, 69, "raj"),
    (3, 155, 86, 50, 70, "howard"),
    (3, 257, 98, 48, 63, "penny"),
    (4, 49, 246, 101, 140, "leonard"),
    (4, 464, 171, 93, 123, "sheldon"),
    (4, 236, 38, 88, 123, "raj"),
    (4, 82, 19, 89, 120, "amy"),
    (4, 255, 228, 87, 117, "penny"),
    (4, 577, 69, 82, 107, "bernadette"),
    (5, 716, 102, 89, 115, "howard"),
    (5, 103, 162, 92, 105, "raj"),
    (5, 573, 45, 83, 108, "leonard"),
    (5, 441, 153, 80, 105, "sheldon"),
    (5, 218, 34, 76, 99, "penny"),
]

for photo, x, y, w, h, person in BOXES:
    img = Image.open(os.path.join(GROUPS, "bbt%d.jpg" % photo))
    m = int(MARGIN * max(w, h))
    crop = img.crop((max(0, x - m), max(0, y - m), min(img.width, x + w + m), min(img.height, y + h + m)))
    os.makedirs(os.path.join(OUT, person), exist_ok=True)
    path = os.path.join(OUT, person, "%s-bbt%d.jpg" % (person, photo))
    crop.save(path, quality=90)
    print(path, crop.size)
