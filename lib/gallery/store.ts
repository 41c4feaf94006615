/**
 * The one gallery interface both backends implement: {@link SqliteGallery} (embedded, one
 * recognizer per data directory, the default) and {@link PostgresGallery} (one database
 * shared by several recognizers). Every method returns a promise, because a network
 * database answers asynchronously; the rules are the backends' common contract:
 *
 * - a mutation resolves only once it is committed (durable), so a reply sent after it is
 *   an acknowledgement that survives a crash of the recognizer;
 * - every change to people or faces bumps a monotonically increasing generation;
 * - names are one identity case-insensitively, the first spelling enrolled is kept.
 *
 * @module
 */
import type {
  FaceImages,
  FaceRecord,
  NewFace,
  PendingChip,
  StoredEmbedding,
  StoredFace,
  StoredModel,
} from "./gallery.ts";

/** What {@link GalleryStore.addFaces} stored. */
export interface AddedFaces {
  /** The person's id. */
  personId: number;
  /** The person's name, as first enrolled. */
  name: string;
  /** Faces stored by this call (duplicates are not). */
  stored: number;
  /** Faces the person has now. */
  personFaces: number;
  /** The generation after the change. */
  generation: number;
  /**
   * Per face given, in order: its new id, or null when the person already has a
   * byte-identical crop (a duplicate, not stored again).
   */
  ids: (number | null)[];
}

/** What {@link GalleryStore.forget} removed. */
export interface ForgottenPerson {
  /** The person's name. */
  name: string;
  /** The person's id. */
  personId: number;
  /** Faces removed with them. */
  removedFaces: number;
  /** The generation after the change. */
  generation: number;
}

/** What {@link GalleryStore.forgetFace} removed. */
export interface ForgottenFace {
  /** The person's id. */
  personId: number;
  /** The person's name. */
  name: string;
  /** The face removed. */
  faceId: number;
  /** Faces the person has left. */
  personFaces: number;
  /** True when that was their last face, and the person went with it. */
  removedPerson: boolean;
  /** The generation after the change. */
  generation: number;
}

/** Faces by what a descriptor model can do with them (see `embeddingCounts`). */
export interface EmbeddingCounts {
  /** Faces with the model's descriptor. */
  embedded: number;
  /** Faces with a chip but no descriptor of this model yet. */
  pending: number;
  /** Faces stored without a chip. */
  noChip: number;
}

/** A change another process made to a shared gallery, as {@link GalleryStore.watch} reports it. */
export interface GalleryChange {
  /**
   * What changed: people or faces (`gallery`), a stored model snapshot (`model`), or only
   * names (`names`: a rename, which leaves the generation as it was).
   */
  kind: "gallery" | "model" | "names";
  /** The generation after the change (for `model`, the snapshot's). */
  generation: number;
  /** The algorithm, for `model`. */
  algorithm?: string;
}

/** The gallery's contract; see the module documentation. Supports `await using`. */
export interface GalleryStore extends AsyncDisposable {
  /** `"sqlite"` or `"postgres"`. */
  readonly kind: "sqlite" | "postgres";
  /**
   * What {@link openGallery} opens this gallery with again (a file path, or a
   * `postgres://` URL): the training workers open their own connection with it.
   */
  readonly location: string;
  /** True when other processes may change it (several recognizers on one database). */
  readonly shared: boolean;

  /** The current generation: bumped by every change to people or faces. */
  generation(): Promise<number>;
  /** Stores faces for a person (created on first use) in one durable transaction. */
  addFaces(name: string, faces: readonly NewFace[]): Promise<AddedFaces>;
  /** Removes a person and all their faces; `not_found` if there is no such person. */
  forget(name: string): Promise<ForgottenPerson>;
  /**
   * Renames a person; faces, ids and models stay. Leaves the generation as it was (no face
   * changed). `not_found`, `exists` (another person holds the new name), `invalid_name`.
   */
  rename(
    oldName: string,
    newName: string,
  ): Promise<{ personId: number; oldName: string; name: string }>;
  /** A person's stored faces, oldest first, without their pixels; `not_found` if none. */
  personFaces(name: string): Promise<{ personId: number; name: string; faces: FaceRecord[] }>;
  /** A person's stored faces with their crop and chip, oldest first (an export). */
  faceImages(name: string): Promise<{ personId: number; name: string; faces: FaceImages[] }>;
  /**
   * Removes one face of a person (and the person with their last face), bumping the
   * generation; `not_found` when the person has no face with that id.
   */
  forgetFace(name: string, faceId: number): Promise<ForgottenFace>;
  /** People with their face counts, sorted by name. */
  listPeople(): Promise<{ name: string; faces: number }[]>;
  /**
   * The face count of every person who has faces, in no particular order: what
   * {@link listPeople} says without the names and the sort (the models' availability needs
   * only this, on every change; at 1,000 people it is a quarter of the cost).
   */
  faceCounts(): Promise<number[]>;
  /** Person id -> name, for every person currently enrolled. */
  names(): Promise<Map<number, string>>;
  /** Numbers of people and faces. */
  counts(): Promise<{ people: number; faces: number }>;
  /** Stored faces with `afterId < id <= upToId`, in id order. */
  faces(afterId?: number, upToId?: number): Promise<StoredFace[]>;
  /** Every stored descriptor computed by `model`, in id order. */
  embeddings(model: string): Promise<StoredEmbedding[]>;
  /** The ids of the faces that have a descriptor computed by `model`, in id order. */
  embeddingIds(model: string): Promise<number[]>;
  /** The descriptors computed by `model` of the faces with these ids (missing ones left out). */
  embeddingsOf(model: string, ids: readonly number[]): Promise<StoredEmbedding[]>;
  /** Faces by what `model` can do with them. */
  embeddingCounts(model: string): Promise<EmbeddingCounts>;
  /** Up to `limit` chips that have no descriptor from `model`, in id order. */
  pendingChips(model: string, limit: number): Promise<PendingChip[]>;
  /** Stores descriptors computed later; returns the ids stored (forgotten faces skipped). */
  setEmbeddings(
    model: string,
    items: readonly { id: number; vector: Float32Array }[],
  ): Promise<number[]>;
  /** Number of stored faces whose id is at most `maxId`. */
  countFacesUpTo(maxId: number): Promise<number>;
  /** Highest face id stored so far (0 when empty). */
  lastFaceId(): Promise<number>;
  /**
   * Stores a trained model snapshot, replacing the previous one for that algorithm, unless
   * the stored one was trained at a later generation (a shared gallery's replicas race).
   */
  saveModel(model: StoredModel): Promise<void>;
  /** Deletes a stored model (e.g. when it can no longer be trained). */
  dropModel(algorithm: string): Promise<void>;
  /** The stored model for an algorithm, if any. */
  loadModel(algorithm: string): Promise<StoredModel | undefined>;
  /**
   * The generation the stored model for an algorithm was trained at, without reading the
   * model itself (a follower asks before loading a snapshot); undefined when none is stored.
   */
  modelGeneration(algorithm: string): Promise<number | undefined>;
  /**
   * Calls `listener` for changes committed through other connections (a shared gallery
   * only; a no-op otherwise). `onReconnect` is called when the connection came back after
   * a loss, when changes may have been missed.
   */
  watch(listener: (change: GalleryChange) => void, onReconnect?: () => void): Promise<void>;
  /**
   * Tries to become the one replica that retrains the batch models (Eigenfaces,
   * Fisherfaces) of a shared gallery; always true for a gallery of one's own. Held until
   * close, or until the connection holding it is lost.
   */
  tryLead(): Promise<boolean>;
  /** Closes it. Safe to call more than once. */
  close(): Promise<void>;
}
