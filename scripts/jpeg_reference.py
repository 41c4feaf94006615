#!/usr/bin/python3
"""Fixtures and libjpeg reference hashes for tests/imaging/jpeg_luma_test.ts.

  /usr/bin/python3 scripts/jpeg_reference.py

Writes small JPEGs cropped from one dataset photo into tests/fixtures/jpeg/ (PIL, cv2, and
cjpeg/jpegtran from Debian's libjpeg-turbo-progs when installed, for the sampling factors, scan
scripts and arithmetic coding that PIL cannot produce), then tests/fixtures/jpeg/expected.json:
for every fixture and every *.jpg under ../shared/datasets, the size and SHA-256 of
cv2.imread(path, IMREAD_GRAYSCALE). Fixtures that decodeJpegLumaExact() must decline (return
undefined) are flagged "unsupported".
"""
import glob, hashlib, json, os, shutil, subprocess, sys, tempfile
import cv2
import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.normpath(os.path.join(ROOT, "..", "shared", "datasets"))
OUT = os.path.join(ROOT, "tests", "fixtures", "jpeg")
SOURCE = os.path.join(SHARED, "detection", "annotated", "2008_001322.jpg")

# Progressive script with successive approximation on DC and on split AC bands, so that every
# refinement path (DC refine, AC refine with EOB runs and correction bits) is exercised.
PROGRESSIVE_SCANS = """
0 1 2: 0 0 0 2;
0: 1 5 0 3;
2: 1 63 0 1;
1: 1 63 0 1;
0: 6 63 0 3;
0: 1 63 3 2;
0: 1 63 2 1;
0 1 2: 0 0 2 1;
0 1 2: 0 0 1 0;
1: 1 63 1 0;
2: 1 63 1 0;
0: 1 63 1 0;
"""
# All scans full-band with no approximation: a sequential file with one scan per component.
NONINTERLEAVED_SCANS = "1: 0 63 0 0;\n0: 0 63 0 0;\n2: 0 63 0 0;\n"
# Progressive file that stops refining the luma AC band: libjpeg block-smooths such files.
INCOMPLETE_SCANS = "0 1 2: 0 0 0 0;\n0: 1 63 0 2;\n1: 1 63 0 0;\n2: 1 63 0 0;\n"


def crop(bgr, x, y, w, h):
    return np.ascontiguousarray(bgr[y:y + h, x:x + w])


def pil_rgb(bgr):
    return Image.fromarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def ppm(bgr):
    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    return b"P6\n%d %d\n255\n" % (rgb.shape[1], rgb.shape[0]) + rgb.tobytes()


def pgm(gray):
    return b"P5\n%d %d\n255\n" % (gray.shape[1], gray.shape[0]) + gray.tobytes()


def run(args, data):
    return subprocess.run(args, input=data, stdout=subprocess.PIPE, check=True).stdout


def with_quantisers(data, scale, sixteen_bit=False):
    """Same entropy data, quantisers scaled: dequantised coefficients far outside anything an
    encoder makes, which pins down libjpeg-turbo's 16-bit SIMD overflow and range-limit rules."""
    out, p = bytearray(data[:2]), 2
    while True:
        marker, length = data[p + 1], data[p + 2] << 8 | data[p + 3]
        seg = data[p:p + 2 + length]
        if marker == 0xDB:
            body, q = bytearray(), p + 4
            while q < p + 2 + length:
                pq, tq = data[q] >> 4, data[q] & 15
                width = 2 if pq else 1
                vals = [int.from_bytes(data[q + 1 + k * width:q + 1 + (k + 1) * width], "big")
                        for k in range(64)]
                vals = [min(65535 if sixteen_bit else 255, v * scale) for v in vals]
                if sixteen_bit:
                    body += bytes([0x10 | tq]) + b"".join(v.to_bytes(2, "big") for v in vals)
                else:
                    body += bytes([tq]) + bytes(vals)
                q += 1 + 64 * width
            seg = b"\xff\xdb" + (len(body) + 2).to_bytes(2, "big") + bytes(body)
        out += seg
        p += 2 + length
        if marker == 0xDA:
            return bytes(out + data[p:])


def gray_hash(path):
    g = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if g is None:
        raise SystemExit(f"cv2 cannot read {path}")
    return {"width": int(g.shape[1]), "height": int(g.shape[0]),
            "sha256": hashlib.sha256(np.ascontiguousarray(g).tobytes()).hexdigest()}


def main():
    src = cv2.imread(SOURCE, cv2.IMREAD_COLOR)
    if src is None:
        raise SystemExit(f"missing {SOURCE}")
    face = crop(src, 200, 60, 96, 72)
    wide = crop(src, 150, 40, 120, 64)
    odd = crop(src, 230, 90, 37, 23)
    gray = cv2.cvtColor(face, cv2.COLOR_BGR2GRAY)
    # Hard edges at quality 100 overshoot [0, 255] after the IDCT, exercising the range limit.
    board = np.zeros((40, 48, 3), np.uint8)
    board[::2, :, :] = 255
    board[:, ::3, 2] = 255
    board[10:30, 12:36] = (0, 255, 0)

    os.makedirs(OUT, exist_ok=True)
    for old in glob.glob(os.path.join(OUT, "*.jpg")):
        os.remove(old)
    unsupported = set()

    def save_pil(name, img, **kw):
        img.save(os.path.join(OUT, name), "JPEG", **kw)

    def save_cv2(name, bgr, params):
        if not cv2.imwrite(os.path.join(OUT, name), bgr, params):
            raise SystemExit(f"cv2.imwrite failed for {name}")

    def save_bytes(name, data):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)

    save_pil("baseline_420_q50.jpg", pil_rgb(face), quality=50, subsampling=2)
    save_pil("baseline_420_q95.jpg", pil_rgb(face), quality=95, subsampling=2)
    save_pil("baseline_422_q75.jpg", pil_rgb(wide), quality=75, subsampling=1)
    save_pil("baseline_444_q95.jpg", pil_rgb(face), quality=95, subsampling=0)
    save_pil("grey_q75.jpg", Image.fromarray(gray), quality=75)
    save_pil("progressive_420_q75.jpg", pil_rgb(face), quality=75, progressive=True)
    save_pil("progressive_grey_q90.jpg", Image.fromarray(gray), quality=90, progressive=True)
    save_pil("odd_37x23_420_q80.jpg", pil_rgb(odd), quality=80, subsampling=2)
    save_pil("odd_37x23_progressive_q60.jpg", pil_rgb(odd), quality=60, progressive=True)
    save_pil("tiny_1x1.jpg", pil_rgb(crop(src, 250, 100, 1, 1)), quality=90)
    save_pil("range_444_q100.jpg", pil_rgb(board), quality=100, subsampling=0)
    save_pil("range_420_q100.jpg", pil_rgb(board), quality=100, subsampling=2)
    save_pil("optimized_q85.jpg", pil_rgb(wide), quality=85, optimize=True)
    save_pil("cmyk.jpg", pil_rgb(odd).convert("CMYK"), quality=90)
    unsupported.add("cmyk.jpg")
    for src_name, scale, wide16 in (("range_444_q100.jpg", 16, False),
                                    ("baseline_420_q95.jpg", 255, False),
                                    ("baseline_420_q95.jpg", 4000, True)):
        with open(os.path.join(OUT, src_name), "rb") as f:
            data = with_quantisers(f.read(), scale, wide16)
        save_bytes(f"hostile_q{'16' if wide16 else '8'}_x{scale}.jpg", data)
    save_cv2("restart_cv2_q80.jpg", face, [cv2.IMWRITE_JPEG_QUALITY, 80,
                                           cv2.IMWRITE_JPEG_RST_INTERVAL, 2])
    save_cv2("progressive_cv2_q70.jpg", wide, [cv2.IMWRITE_JPEG_QUALITY, 70,
                                               cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
    save_cv2("odd_restart_progressive_cv2.jpg", odd, [cv2.IMWRITE_JPEG_PROGRESSIVE, 1,
                                                       cv2.IMWRITE_JPEG_RST_INTERVAL, 1])

    if shutil.which("cjpeg") and shutil.which("jpegtran"):
        with tempfile.TemporaryDirectory() as tmp:
            def script(text):
                path = os.path.join(tmp, "scans%d.txt" % len(os.listdir(tmp)))
                with open(path, "w") as f:
                    f.write(text)
                return path

            def cj(name, args, data):
                save_bytes(name, run(["cjpeg"] + args, data))

            cj("cjpeg_411_q75.jpg", ["-quality", "75", "-sample", "4x1,1x1,1x1"], ppm(wide))
            cj("cjpeg_440_q75.jpg", ["-quality", "75", "-sample", "1x2,1x1,1x1"], ppm(odd))
            cj("cjpeg_mixed_q75.jpg", ["-quality", "75", "-sample", "2x2,2x1,1x2"], ppm(wide))
            cj("cjpeg_42_q75.jpg", ["-quality", "75", "-sample", "4x2,1x1,1x1"], ppm(odd))
            cj("cjpeg_restart_blocks.jpg", ["-quality", "65", "-restart", "3B"], ppm(odd))
            cj("cjpeg_restart_progressive.jpg", ["-quality", "80", "-progressive",
                                                 "-restart", "1"], ppm(face))
            cj("cjpeg_scans_progressive.jpg", ["-quality", "90", "-scans",
                                               script(PROGRESSIVE_SCANS)], ppm(face))
            cj("cjpeg_scans_sequential.jpg", ["-quality", "85", "-scans",
                                              script(NONINTERLEAVED_SCANS)], ppm(odd))
            cj("cjpeg_q5_baseline.jpg", ["-quality", "5", "-baseline"], ppm(face))
            cj("cjpeg_grey_restart.jpg", ["-quality", "70", "-grayscale", "-restart", "1"],
               ppm(wide))
            cj("cjpeg_pgm_progressive.jpg", ["-quality", "95", "-progressive"], pgm(gray))
            cj("cjpeg_16bit_qtable.jpg", ["-quality", "1"], ppm(odd))
            # Files the exact decoder must decline, so the caller falls back to jpeg-js.
            cj("cjpeg_arithmetic.jpg", ["-quality", "75", "-arithmetic"], ppm(odd))
            cj("cjpeg_rgb.jpg", ["-quality", "75", "-rgb"], ppm(odd))
            cj("cjpeg_luma_not_max.jpg", ["-quality", "75", "-sample", "1x1,2x2,1x1"], ppm(odd))
            cj("cjpeg_incomplete_progressive.jpg", ["-quality", "75", "-scans",
                                                    script(INCOMPLETE_SCANS)], ppm(face))
            unsupported.update({"cjpeg_arithmetic.jpg", "cjpeg_rgb.jpg",
                                "cjpeg_luma_not_max.jpg", "cjpeg_incomplete_progressive.jpg"})
            base = os.path.join(OUT, "baseline_420_q50.jpg")
            save_bytes("jpegtran_progressive_grey.jpg", run(
                ["jpegtran", "-grayscale", "-progressive", base], b""))
    else:
        print("cjpeg/jpegtran not found (apt-get install libjpeg-turbo-progs): "
              "skipping the fixtures that need them", file=sys.stderr)

    fixtures = {}
    for path in sorted(glob.glob(os.path.join(OUT, "*.jpg"))):
        name = os.path.basename(path)
        entry = gray_hash(path)
        if name in unsupported:
            entry["unsupported"] = True
        fixtures[name] = entry
    shared = {}
    for path in sorted(glob.glob(os.path.join(SHARED, "**", "*.jpg"), recursive=True)):
        shared[os.path.relpath(path, SHARED).replace(os.sep, "/")] = gray_hash(path)
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump({"generator": "scripts/jpeg_reference.py", "opencv": cv2.__version__,
                   "fixtures": fixtures, "shared": shared}, f, indent=2, sort_keys=True)
        f.write("\n")
    total = sum(os.path.getsize(p) for p in glob.glob(os.path.join(OUT, "*")))
    print(f"{len(fixtures)} fixtures, {len(shared)} shared JPEGs, {total} bytes in {OUT}")


if __name__ == "__main__":
    main()
