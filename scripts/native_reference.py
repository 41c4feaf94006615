#!/usr/bin/python3
"""Writes native OpenCV (cv2.face) per-image predictions on ORL to a JSON reference file.

Usage: /usr/bin/python3 scripts/native_reference.py [DATASET_DIR] [--train K] [--out FILE]
  defaults: ../shared/datasets/orl, K=5, tests/fixtures/native_orl.json

Same split as ../shared/tools/native_baseline.py: one folder per person (sorted plainly), file
names sorted plainly (byte-wise), the first K of each person train, the rest test. Images are
used as they are (ORL is 92x112 already): no detection, no resize. Default parameters for all
three recognizers (Eigen/Fisher keep all components, LBPH radius 1, 8 neighbours, 8x8 grid).
The facerec parity test (tests/recognition/parity_test.ts) compares against this file.
Needs Debian's python3-opencv (cv2.face).
"""
import argparse, json, os, time
import cv2

cv2.setNumThreads(1)
here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("dataset", nargs="?", default=os.path.join(here, "..", "..", "shared", "datasets", "orl"))
ap.add_argument("--train", type=int, default=5)
ap.add_argument("--out", default=os.path.join(here, "..", "tests", "fixtures", "native_orl.json"))
a = ap.parse_args()

people = sorted(d for d in os.listdir(a.dataset) if os.path.isdir(os.path.join(a.dataset, d)))
train_x, train_y, test = [], [], []
for label, person in enumerate(people):
    for i, name in enumerate(sorted(os.listdir(os.path.join(a.dataset, person)))):
        img = cv2.imread(os.path.join(a.dataset, person, name), cv2.IMREAD_GRAYSCALE)
        if img is None:
            continue
        if i < a.train:
            train_x.append(img); train_y.append(label)
        else:
            test.append((f"{person}/{name}", label, img))

import numpy as np
labels = np.array(train_y, dtype=np.int32)
figures, predictions = {}, {}
for algorithm, make in [("eigen", cv2.face.EigenFaceRecognizer_create),
                        ("fisher", cv2.face.FisherFaceRecognizer_create),
                        ("lbph", cv2.face.LBPHFaceRecognizer_create)]:
    r = make()
    t0 = time.perf_counter(); r.train(train_x, labels); t1 = time.perf_counter()
    out = [r.predict(img) for _, _, img in test]
    t2 = time.perf_counter()
    predictions[algorithm] = out
    correct = sum(1 for (_, y, _), (p, _) in zip(test, out) if p == y)
    figures[algorithm] = {"accuracy": round(correct / len(test), 4),
                          "train_ms": round((t1 - t0) * 1000, 1),
                          "predict_ms_per_image": round((t2 - t1) * 1000 / len(test), 3)}

doc = {
    "source": "scripts/native_reference.py",
    "opencv_version": cv2.__version__,
    "dataset": "orl",
    "train_per_person": a.train,
    "people": people,
    "train_images": len(train_x),
    "test_images": len(test),
    "figures": figures,
    "test": [{"file": f, "label": y,
              **{alg: {"label": int(predictions[alg][k][0]),
                       "distance": float(f"{predictions[alg][k][1]:.9g}")} for alg in predictions}}
             for k, (f, y, _) in enumerate(test)],
}
with open(a.out, "w") as fh:
    json.dump(doc, fh, indent=2)
    fh.write("\n")
print(json.dumps(figures))
