/**
 * The default gallery backend: the embedded SQLite {@link Gallery} of one data directory,
 * behind the asynchronous {@link GalleryStore} interface. Its calls are synchronous
 * underneath (node:sqlite), so a committed change is durable when the promise resolves.
 * @module
 */
import {
  type FaceImages,
  type FaceRecord,
  Gallery,
  type GalleryOpenOptions,
  type NewFace,
  type PendingChip,
  type StoredEmbedding,
  type StoredFace,
  type StoredModel,
} from "./gallery.ts";
import type {
  AddedFaces,
  EmbeddingCounts,
  ForgottenFace,
  ForgottenPerson,
  GalleryChange,
  GalleryStore,
} from "./store.ts";

/**
 * A {@link GalleryStore} on one SQLite file.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SqliteGallery } from "./sqlite_gallery.ts";
 * await using gallery = SqliteGallery.open(":memory:");
 * await gallery.addFaces("Ada", [{ width: 2, height: 1, pixels: new Uint8Array([1, 2]) }]);
 * assert.deepEqual(await gallery.listPeople(), [{ name: "Ada", faces: 1 }]);
 * ```
 */
export class SqliteGallery implements GalleryStore {
  readonly kind = "sqlite" as const;
  readonly shared = false;
  readonly location: string;
  readonly #db: Gallery;

  private constructor(db: Gallery) {
    this.#db = db;
    this.location = db.path;
  }

  /** Opens (creating and migrating if needed) the gallery file at `path`; see {@link Gallery.open}. */
  static open(path: string, options: GalleryOpenOptions = {}): SqliteGallery {
    return new SqliteGallery(Gallery.open(path, options));
  }

  /** The synchronous gallery underneath (for tools that work on one file directly). */
  get sync(): Gallery {
    return this.#db;
  }

  generation(): Promise<number> {
    return call(() => this.#db.generation());
  }
  addFaces(name: string, faces: readonly NewFace[]): Promise<AddedFaces> {
    return call(() => this.#db.addFaces(name, faces));
  }
  forget(name: string): Promise<ForgottenPerson> {
    return call(() => this.#db.forget(name));
  }
  rename(
    oldName: string,
    newName: string,
  ): Promise<{ personId: number; oldName: string; name: string }> {
    return call(() => this.#db.rename(oldName, newName));
  }
  personFaces(name: string): Promise<{ personId: number; name: string; faces: FaceRecord[] }> {
    return call(() => this.#db.personFaces(name));
  }
  faceImages(name: string): Promise<{ personId: number; name: string; faces: FaceImages[] }> {
    return call(() => this.#db.faceImages(name));
  }
  forgetFace(name: string, faceId: number): Promise<ForgottenFace> {
    return call(() => this.#db.forgetFace(name, faceId));
  }
  listPeople(): Promise<{ name: string; faces: number }[]> {
    return call(() => this.#db.listPeople());
  }

  faceCounts(): Promise<number[]> {
    return call(() => this.#db.faceCounts());
  }
  names(): Promise<Map<number, string>> {
    return call(() => this.#db.names());
  }
  counts(): Promise<{ people: number; faces: number }> {
    return call(() => this.#db.counts());
  }
  faces(afterId?: number, upToId?: number): Promise<StoredFace[]> {
    return call(() => this.#db.faces(afterId, upToId));
  }
  embeddings(model: string): Promise<StoredEmbedding[]> {
    return call(() => this.#db.embeddings(model));
  }
  embeddingIds(model: string): Promise<number[]> {
    return call(() => this.#db.embeddings(model).map((e) => e.id));
  }
  embeddingsOf(model: string, ids: readonly number[]): Promise<StoredEmbedding[]> {
    const wanted = new Set(ids);
    return call(() => this.#db.embeddings(model).filter((e) => wanted.has(e.id)));
  }
  embeddingCounts(model: string): Promise<EmbeddingCounts> {
    return call(() => this.#db.embeddingCounts(model));
  }
  pendingChips(model: string, limit: number): Promise<PendingChip[]> {
    return call(() => this.#db.pendingChips(model, limit));
  }
  setEmbeddings(
    model: string,
    items: readonly { id: number; vector: Float32Array }[],
  ): Promise<number[]> {
    return call(() => this.#db.setEmbeddings(model, items));
  }
  countFacesUpTo(maxId: number): Promise<number> {
    return call(() => this.#db.countFacesUpTo(maxId));
  }
  lastFaceId(): Promise<number> {
    return call(() => this.#db.lastFaceId());
  }
  saveModel(model: StoredModel): Promise<void> {
    return call(() => {
      const stored = this.#db.loadModel(model.algorithm);
      if (!stored || stored.generation <= model.generation) this.#db.saveModel(model);
    });
  }
  dropModel(algorithm: string): Promise<void> {
    return call(() => this.#db.dropModel(algorithm));
  }
  loadModel(algorithm: string): Promise<StoredModel | undefined> {
    return call(() => this.#db.loadModel(algorithm));
  }
  modelGeneration(algorithm: string): Promise<number | undefined> {
    return call(() => this.#db.loadModel(algorithm)?.generation);
  }
  /** Nobody else writes this file (its directory is locked): nothing to watch. */
  watch(_listener: (change: GalleryChange) => void): Promise<void> {
    return Promise.resolve();
  }
  /** The only recognizer on this file leads. */
  tryLead(): Promise<boolean> {
    return Promise.resolve(true);
  }
  close(): Promise<void> {
    this.#db.close();
    return Promise.resolve();
  }
  /** Closes it, as {@link SqliteGallery.close} does (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** Runs a synchronous call, turning what it throws into a rejected promise. */
function call<T>(body: () => T): Promise<T> {
  try {
    return Promise.resolve(body());
  } catch (error) {
    return Promise.reject(error);
  }
}
