/**
 * Durable storage of people, face crops and model snapshots.
 * @module
 */
export {
  type FaceImages,
  type FaceRecord,
  Gallery,
  type GalleryOpenOptions,
  type NewFace,
  type PendingChip,
  SCHEMA_VERSION,
  type StoredEmbedding,
  type StoredFace,
  type StoredModel,
} from "./gallery.ts";
export { SqliteGallery } from "./sqlite_gallery.ts";
export { CHANGE_CHANNEL, isConnectionLoss, PostgresGallery } from "./postgres_gallery.ts";
export { isPostgresUrl, parsePostgresUrl, type PostgresUrl, redactUrl } from "./postgres_url.ts";
export { openGallery } from "./open_gallery.ts";
export type {
  AddedFaces,
  EmbeddingCounts,
  ForgottenFace,
  ForgottenPerson,
  GalleryChange,
  GalleryStore,
} from "./store.ts";
export { GalleryError, type GalleryErrorCode } from "./errors.ts";
export { MAX_NAME_BYTES, nameKey, normalizeName } from "./name.ts";
export { DirLock, type LockHolder } from "./dir_lock.ts";
