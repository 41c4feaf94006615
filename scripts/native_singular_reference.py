#!/usr/bin/python3
"""Native OpenCV (cv2.face) Fisherfaces on ORL with repeated training images, as a JSON fixture.

Usage: /usr/bin/python3 scripts/native_singular_reference.py [DATASETS_DIR] [--out FILE]
  defaults: $FACEREC_DATASETS or ../shared/datasets, tests/fixtures/native_orl_singular.json

The recipe (the issue's reproduction): people s1..s15 of ORL, with 1.pgm copied over 10.pgm
for s1..s9, built in a temporary folder. Split as ../shared/tools/native_baseline.py: people
and file names sorted plainly, the first 6 files of each person train (1, 10, 2, 3, 4, 5: so
s1..s9 each train on one image twice), the rest test. Every repeat lowers the rank of the
within-class scatter by one: 9 below the 75 axes the PCA keeps, a singular Sw that OpenCV's
LDA inverts anyway. The fixture records the recipe (tests/recognition/fisher_singular_test.ts
rebuilds it from there), native's per-probe labels and accuracy, and native's accuracy when
the same training images are passed in other orders (seeded shuffles): what it computes is
amplified rounding noise, so it moves with the order.
Needs Debian's python3-opencv (cv2.face).
"""
import argparse, json, os, shutil, tempfile
import cv2
import numpy as np

cv2.setNumThreads(1)
here = os.path.dirname(os.path.abspath(__file__))
default_datasets = os.environ.get("FACEREC_DATASETS") or os.path.join(here, "..", "..", "shared", "datasets")
ap = argparse.ArgumentParser()
ap.add_argument("datasets", nargs="?", default=default_datasets)
ap.add_argument("--out", default=os.path.join(here, "..", "tests", "fixtures", "native_orl_singular.json"))
a = ap.parse_args()

PEOPLE = [f"s{i}" for i in range(1, 16)]
COPIES = [{"person": f"s{i}", "from": "1.pgm", "to": "10.pgm"} for i in range(1, 10)]
TRAIN = 6
ORDERS = 8  # the given order, then seeded shuffles of the training set

with tempfile.TemporaryDirectory() as tmp:
    for person in PEOPLE:
        shutil.copytree(os.path.join(a.datasets, "orl", person), os.path.join(tmp, person))
    for c in COPIES:
        shutil.copyfile(os.path.join(tmp, c["person"], c["from"]), os.path.join(tmp, c["person"], c["to"]))
    people = sorted(d for d in os.listdir(tmp) if os.path.isdir(os.path.join(tmp, d)))
    train_x, train_y, test = [], [], []
    for label, person in enumerate(people):
        for i, name in enumerate(sorted(os.listdir(os.path.join(tmp, person)))):
            img = cv2.imread(os.path.join(tmp, person, name), cv2.IMREAD_GRAYSCALE)
            if i < TRAIN:
                train_x.append(img); train_y.append(label)
            else:
                test.append((f"{person}/{name}", label, img))

rng = np.random.default_rng(20240601)
by_order, first = [], None
for k in range(ORDERS):
    order = np.arange(len(train_x)) if k == 0 else rng.permutation(len(train_x))
    r = cv2.face.FisherFaceRecognizer_create()
    r.train([train_x[i] for i in order], np.array([train_y[i] for i in order], dtype=np.int32))
    out = [r.predict(img) for _, _, img in test]
    by_order.append(round(sum(1 for (_, y, _), (p, _) in zip(test, out) if p == y) / len(test), 4))
    if k == 0:
        first, top = out, float(r.getEigenValues().ravel()[0])

doc = {
    "source": "scripts/native_singular_reference.py",
    "opencv_version": cv2.__version__,
    "recipe": {"dataset": "orl", "people": PEOPLE, "copies": COPIES, "train_per_person": TRAIN},
    "train_images": len(train_x),
    "test_images": len(test),
    "figures": {"fisher": {"accuracy": by_order[0], "top_eigenvalue": float(f"{top:.4g}")}},
    "fisher_accuracy_by_training_order": by_order,
    "test": [{"file": f, "label": y, "fisher": {"label": int(p), "distance": float(f"{d:.9g}")}}
             for (f, y, _), (p, d) in zip(test, first)],
}
with open(a.out, "w") as fh:
    json.dump(doc, fh, indent=2)
    fh.write("\n")
print(json.dumps({"fisher": doc["figures"]["fisher"], "by_training_order": by_order}))
