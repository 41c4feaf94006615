#!/usr/bin/python3
"""Writes least-squares similarity fits, solved independently by numpy, as a test fixture.

Usage: /usr/bin/python3 scripts/similarity_reference.py [--out FILE]
  default: tests/fixtures/similarity/reference.json

Each case is a point set, a destination made by a random similarity plus Gaussian noise (one
case mirrors its points, so no similarity fits well), and the 4-parameter linear least-squares
solution of
    [x -y 1 0] [a b tx ty]^T = X
    [y  x 0 1] [a b tx ty]^T = Y
by numpy.linalg.lstsq (SVD), written as the 2x3 matrix [a, -b, tx, b, a, ty]. This is a
different route from lib/detection/similarity.ts (centred closed form), so agreement checks
the algebra, not just the arithmetic. tests/detection/similarity_test.ts compares.
Needs Debian's python3-numpy. Run `deno fmt` on the output afterwards.
"""
import argparse, json, math, os
import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("--out", default=os.path.join(here, "..", "tests", "fixtures", "similarity", "reference.json"))
a = ap.parse_args()
rng = np.random.default_rng(20260501)


def solve(src, dst):
    rows, rhs = [], []
    for (x, y), (X, Y) in zip(src, dst):
        rows += [[x, -y, 1, 0], [y, x, 0, 1]]
        rhs += [X, Y]
    (pa, pb, tx, ty), *_ = np.linalg.lstsq(np.array(rows, float), np.array(rhs, float), rcond=None)
    return [pa, -pb, tx, pb, pa, ty]


def case(name, src, noise, mirror=False, centre=(0.0, 0.0)):
    scale = rng.uniform(0.2, 3.0)
    angle = rng.uniform(-math.pi, math.pi)
    t = rng.uniform(-200, 200, size=2) + np.array(centre)
    rot = scale * np.array([[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]])
    pts = np.array(src, float)
    if mirror:
        pts = pts * np.array([-1.0, 1.0])
    dst = pts @ rot.T + t + rng.normal(0, noise, size=pts.shape)
    m = solve(src, dst.tolist())
    return {"name": name, "noise": noise, "src": [{"x": float(x), "y": float(y)} for x, y in src],
            "dst": [{"x": float(x), "y": float(y)} for x, y in dst], "matrix": [float(v) for v in m]}


# Landmark-like five points (the dlib chip template) and random sets of other sizes.
five = [(47.55, 46.60), (100.48, 46.60), (74.01, 76.56), (50.41, 103.02), (97.61, 103.02)]
cases = [
    case("five landmarks, 1 px noise", five, 1.0),
    case("five landmarks, 5 px noise", five, 5.0),
    case("two points, no noise", [(10.0, 20.0), (30.0, 25.0)], 0.0),
    case("ten random points, 2 px noise", rng.uniform(0, 500, size=(10, 2)).tolist(), 2.0),
    case("five points far from the origin", [(x + 5000, y + 3500) for x, y in five], 0.5, centre=(4000, 3000)),
    case("mirrored five points (no reflection may fit)", five, 0.0, mirror=True),
    case("thirty random points, 10 px noise", rng.uniform(-100, 100, size=(30, 2)).tolist(), 10.0),
]
with open(a.out, "w") as f:
    json.dump({"generator": "scripts/similarity_reference.py", "numpy": np.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases to {a.out}")
