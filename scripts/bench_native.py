#!/usr/bin/python3
"""Native OpenCV timings for scripts/bench.ts (Debian python3-opencv 4.6, one thread).

  bench_native.py encode SRC OUTDIR       write SRC as JPEG, PNG, WebP, GIF (PIL), PGM
  bench_native.py decode REPS FILE...     ms per decode to grey (cv2.imdecode; GIF via PIL)
  bench_native.py detect REPS FILE...     Haar detectMultiScale(1.1, 3, minSize 30) ms/image
Prints one JSON object.
"""
import io, json, os, sys, time
import cv2
cv2.setNumThreads(1)  # like-for-like with the single-threaded WASM build
import numpy as np
from PIL import Image

def median(xs):
    xs = sorted(xs)
    return xs[len(xs) // 2]

cmd = sys.argv[1]
if cmd == "encode":
    src, out = sys.argv[2], sys.argv[3]
    img = cv2.imread(src, cv2.IMREAD_COLOR)
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    cv2.imwrite(os.path.join(out, "photo.jpg"), img, [cv2.IMWRITE_JPEG_QUALITY, 90])
    cv2.imwrite(os.path.join(out, "photo.png"), img)
    cv2.imwrite(os.path.join(out, "photo.webp"), img, [cv2.IMWRITE_WEBP_QUALITY, 90])
    cv2.imwrite(os.path.join(out, "photo.pgm"), gray)
    Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB)).convert("P").save(os.path.join(out, "photo.gif"))
    print(json.dumps({"width": img.shape[1], "height": img.shape[0]}))
elif cmd == "decode":
    reps = int(sys.argv[2])
    result = {}
    for path in sys.argv[3:]:
        data = open(path, "rb").read()
        buf = np.frombuffer(data, np.uint8)
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            if path.endswith(".gif"):
                Image.open(io.BytesIO(data)).convert("L").load()
            else:
                cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)
            times.append((time.perf_counter() - t) * 1000)
        result[os.path.basename(path)] = median(times)
    print(json.dumps(result))
elif cmd == "detect":
    reps = int(sys.argv[2])
    casc = cv2.CascadeClassifier("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml")
    per_image, faces = {}, {}
    for path in sys.argv[3:]:
        img = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            found = casc.detectMultiScale(img, 1.1, 3, minSize=(30, 30))
            times.append((time.perf_counter() - t) * 1000)
        per_image[os.path.basename(path)] = min(times)
        faces[os.path.basename(path)] = len(found)
    print(json.dumps({"ms": per_image, "faces": faces}))
