#!/usr/bin/python3
"""Writes what native OpenCV does on lfw10 with --detect, image by image, to a JSON reference.

Usage: /usr/bin/python3 scripts/native_detect_reference.py [DATASET_DIR] [--train K] [--out FILE]
  defaults: ../shared/datasets/lfw10, K=5, tests/fixtures/native_lfw10_detect.json

The pipeline of ../shared/tools/native_baseline.py --detect: cv2.imread(IMREAD_GRAYSCALE), the
default frontal-face Haar cascade (scale 1.1, 3 neighbours, min 30x30), the largest face cropped
and resized to 92x112, then the three cv2.face recognizers with default parameters, trained on
the first K files (sorted plainly) of each person. Records each image's largest box (or null)
and each algorithm's predicted label; tests/recognition/detect_parity_test.ts compares.
Needs Debian's python3-opencv and opencv-data. Run `deno fmt` on the output afterwards.
"""
import argparse, json, os
import cv2
import numpy as np

cv2.setNumThreads(1)
here = os.path.dirname(os.path.abspath(__file__))
ap = argparse.ArgumentParser()
ap.add_argument("dataset", nargs="?", default=os.path.join(here, "..", "..", "shared", "datasets", "lfw10"))
ap.add_argument("--train", type=int, default=5)
ap.add_argument("--out", default=os.path.join(here, "..", "tests", "fixtures", "native_lfw10_detect.json"))
a = ap.parse_args()
cascade = cv2.CascadeClassifier("/usr/share/opencv4/haarcascades/haarcascade_frontalface_default.xml")

people = sorted(d for d in os.listdir(a.dataset) if os.path.isdir(os.path.join(a.dataset, d)))
images, train_x, train_y, test = [], [], [], []
for label, person in enumerate(people):
    for i, name in enumerate(sorted(os.listdir(os.path.join(a.dataset, person)))):
        gray = cv2.imread(os.path.join(a.dataset, person, name), cv2.IMREAD_GRAYSCALE)
        faces = cascade.detectMultiScale(gray, 1.1, 3, minSize=(30, 30))
        box = None
        if len(faces):
            x, y, w, h = (int(v) for v in max(faces, key=lambda f: f[2] * f[3]))
            box = [x, y, w, h]
            crop = cv2.resize(gray[y:y + h, x:x + w], (92, 112))
            if i < a.train:
                train_x.append(crop); train_y.append(label)
            else:
                test.append((len(images), label, crop))
        images.append({"file": f"{person}/{name}", "box": box})

labels = np.array(train_y, dtype=np.int32)
figures = {}
for algorithm, make in [("eigen", cv2.face.EigenFaceRecognizer_create),
                        ("fisher", cv2.face.FisherFaceRecognizer_create),
                        ("lbph", cv2.face.LBPHFaceRecognizer_create)]:
    r = make()
    r.train(train_x, labels)
    correct = 0
    for index, y, crop in test:
        predicted = int(r.predict(crop)[0])
        images[index][algorithm] = predicted
        correct += predicted == y
    figures[algorithm] = {"accuracy": round(correct / len(test), 4)}

with open(a.out, "w") as f:
    json.dump({"train_per_person": a.train, "figures": figures, "images": images}, f, indent=1)
    f.write("\n")
print(f"wrote {a.out}: {len(images)} images, {len(test)} probes, {figures}")
