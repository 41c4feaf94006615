/**
 * Face recognition: Eigenfaces, Fisherfaces and LBPH behind one {@link Recognizer}
 * interface, compatible in behaviour with OpenCV contrib's `face` module. Pure compute: no
 * files, no sockets; models are saved to and loaded from bytes.
 *
 * @module
 */
export * from "./recognizer.ts";
export * from "./errors.ts";
export { DnnRecognizer, type Embedder } from "./dnn.ts";
export { EmbeddingIndex } from "./embedding_index.ts";
export { EigenfacesRecognizer } from "./eigenfaces.ts";
export { FisherfacesRecognizer } from "./fisherfaces.ts";
export {
  type LbphLoadOptions,
  type LbphOptions,
  LbphRecognizer,
  type SharedLbphModel,
} from "./lbph.ts";
export {
  DEFAULT_MAX_BASIS_SAMPLES,
  DEFAULT_SAMPLED_COMPONENTS,
  type SharedSubspaceModel,
  type SubspaceFit,
  type SubspaceModel,
  type SubspaceOptions,
  type SubspaceRecognizer,
} from "./subspace_recognizer.ts";
export {
  adoptRecognizer,
  createRecognizer,
  loadRecognizer,
  type SharedModel,
  shareRecognizer,
} from "./create_recognizer.ts";
export {
  applyThreshold,
  DEFAULT_THRESHOLDS,
  defaultThreshold,
  DNN_GREY_THRESHOLD,
  FISHER_CAP_BELOW_PEOPLE,
  FISHER_SMALL_GALLERY,
  fisherThreshold,
  type GallerySize,
  galleryThreshold,
  isGreyChip,
} from "./threshold.ts";
export { rankCandidates } from "./rank_candidates.ts";
export { lbpCodes, type LbpImage } from "./lbp.ts";
export {
  normalisedHistogram,
  type SpatialHistogram,
  spatialHistogram,
} from "./spatial_histogram.ts";
export { chiSquareAlt } from "./chi_square.ts";
export { pca, type PcaResult, projectRows } from "./pca.ts";
export { lda, type LdaResult } from "./lda.ts";
export { type Matrix } from "./_matrix.ts";
export { type ImageSize } from "./_validate.ts";
export { type ProjectionBasis } from "./_projection.ts";
export { type SharedHistograms } from "./_histogram_store.ts";
export { crc32 } from "./crc32.ts";
export { MODEL_MAGIC, MODEL_VERSION } from "./model_file.ts";
export {
  FISHER_CALIBRATION,
  fisherCalibrates,
  SELF_CALIBRATION_DEFAULTS,
  selfCalibrate,
  selfCalibratedThreshold,
  type SelfCalibration,
  type SelfCalibrationOptions,
} from "./self_calibration.ts";
