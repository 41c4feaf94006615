/**
 * The detector's face-detection flags, turned into the workers' {@link DetectConfig}.
 * @module
 */
import { DEFAULT_YUNET_OPTIONS } from "../detection/mod.ts";
import {
  type DetectConfig,
  FACE_DETECTORS,
  type FaceDetectorName,
} from "../service/detect_worker.ts";
import { intFlag } from "./server_flags.ts";
import { UsageError } from "../core/usage_error.ts";

/** parseArgs options for the detection flags. */
export const DETECTION_FLAGS = {
  "face-detector": { type: "string", default: "yunet" },
  "score-threshold": { type: "string" },
  "nms-threshold": { type: "string" },
  "min-face": { type: "string" },
  "detect-size": { type: "string" },
} as const;

/** Help text for {@link DETECTION_FLAGS}. */
export const DETECTION_FLAGS_HELP =
  `  --face-detector D    yunet (default: a CNN with landmarks, needed by dnn) or haar (the
                       Viola-Jones cascade of the classic parity runs; no landmarks)
  --score-threshold X  YuNet: smallest confidence kept, 0..1 (default ${DEFAULT_YUNET_OPTIONS.scoreThreshold})
  --nms-threshold X    YuNet: overlap (IoU) above which the weaker of two boxes is dropped,
                       0..1 (default ${DEFAULT_YUNET_OPTIONS.nmsThreshold})
  --min-face N         smallest face side kept, in source pixels (default ${DEFAULT_YUNET_OPTIONS.minFaceSize})
  --detect-size N      YuNet: larger photos are detected at this longest side, and their
                       boxes mapped back; crops are still cut at full resolution
                       (default ${DEFAULT_YUNET_OPTIONS.maxInputSide})`;

function unitFlag(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new UsageError(`--${name}: expected a number from 0 to 1, got ${JSON.stringify(value)}`);
  }
  return n;
}

/** The workers' detection settings from parsed flag values. */
export function detectionConfig(values: Record<string, unknown>): DetectConfig {
  const str = (k: string) => values[k] as string | undefined;
  const detector = str("face-detector") ?? "yunet";
  if (!(FACE_DETECTORS as readonly string[]).includes(detector)) {
    throw new UsageError(
      `--face-detector: expected one of ${FACE_DETECTORS.join(", ")}, got ${
        JSON.stringify(detector)
      }`,
    );
  }
  const d = DEFAULT_YUNET_OPTIONS;
  return {
    detector: detector as FaceDetectorName,
    yunet: {
      scoreThreshold: unitFlag("score-threshold", str("score-threshold"), d.scoreThreshold),
      nmsThreshold: unitFlag("nms-threshold", str("nms-threshold"), d.nmsThreshold),
      minFaceSize: intFlag("min-face", str("min-face"), d.minFaceSize, 1, 8192),
      maxInputSide: intFlag("detect-size", str("detect-size"), d.maxInputSide, 64, 8192),
    },
  };
}
