/**
 * The shared recognizer suite on `dnn`, with the real descriptor network behind it: the
 * suite's small synthetic grey faces are scaled up (nearest neighbour) to the network's
 * 150x150 RGB chip.
 * @module
 */
import { DnnRecognizer, type Embedder, type FaceImage } from "../../lib/recognition/mod.ts";
import {
  CHIP_SIZE,
  DESCRIPTOR_LENGTH,
  DESCRIPTOR_MODEL,
  FaceDescriptor,
} from "../../lib/recognition/face_descriptor.ts";
import { recognizerSuite } from "./recognizer_suite.ts";

const network = await FaceDescriptor.create();
// The network lives for the whole test module; Deno's sanitizers see it as created here.
globalThis.addEventListener("unload", () => network[Symbol.dispose]());

function chipOf(image: FaceImage) {
  const channels = image.channels ?? 1;
  const data = new Uint8Array(CHIP_SIZE * CHIP_SIZE * 3);
  for (let y = 0; y < CHIP_SIZE; y++) {
    const sy = Math.floor((y * image.height) / CHIP_SIZE);
    for (let x = 0; x < CHIP_SIZE; x++) {
      const sx = Math.floor((x * image.width) / CHIP_SIZE);
      for (let c = 0; c < 3; c++) {
        data[(y * CHIP_SIZE + x) * 3 + c] = image.data[
          (sy * image.width + sx) * channels +
          (channels === 3 ? c : 0)
        ]!;
      }
    }
  }
  return { width: CHIP_SIZE, height: CHIP_SIZE, data };
}

const embedder: Embedder = {
  model: DESCRIPTOR_MODEL,
  dimension: DESCRIPTOR_LENGTH,
  embed: (images) => images.map((image) => network.compute(chipOf(image))),
};

recognizerSuite("DnnRecognizer", () => new DnnRecognizer(embedder), {
  load: (bytes) => DnnRecognizer.load(bytes, embedder),
});
