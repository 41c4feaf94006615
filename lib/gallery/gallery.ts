/**
 * The gallery: people, their normalised face crops and trained model snapshots, kept in
 * one embedded SQLite database (node:sqlite) in WAL mode with synchronous=FULL, so an
 * enrollment acknowledged to a client survives a crash or SIGKILL.
 *
 * Every mutation bumps a monotonically increasing `generation`. A stored model records
 * the generation it was trained at, so a restart can tell a current model (serve it, no
 * retraining) from a stale one (serve it while retraining).
 *
 * @module
 */
import { faceRecord } from "./_face_record.ts";
import { DatabaseSync, type StatementSync } from "node:sqlite";
import { GalleryError } from "./errors.ts";
import { checkNewFaces, noSuchFace, sha256, vectorBytes } from "./_new_face.ts";
import type { AddedFaces, ForgottenFace } from "./store.ts";
import { checkNewName, nameKey, normalizeName } from "./name.ts";

/** Options of {@link Gallery.open}. */
export interface GalleryOpenOptions {
  /** Open for reading only: no schema creation or migration. */
  readOnly?: boolean;
  /** Check the file's integrity first (default true). */
  check?: boolean;
}

/** A stored face crop. `label` is the owning person's id. */
export interface StoredFace {
  /** The face's id, increasing in the order faces were added. */
  readonly id: number;
  /** The owning person's id. */
  readonly label: number;
  /** Width of the crop in pixels. */
  readonly width: number;
  /** Height of the crop in pixels. */
  readonly height: number;
  /** The 8-bit greyscale crop, row-major, `width * height` bytes. */
  readonly pixels: Uint8Array;
}

/** A model snapshot as stored. */
export interface StoredModel {
  /** The recognizer's algorithm id (one snapshot is kept per algorithm). */
  readonly algorithm: string;
  /** The model file, as the recognizer's `save()` wrote it. */
  readonly bytes: Uint8Array;
  /** Gallery generation the model was trained at. */
  readonly generation: number;
  /** Number of faces it was trained on. */
  readonly faces: number;
  /** Highest face id included (for incremental updates). */
  readonly lastFaceId: number;
  /** Unknown-face threshold calibrated on the gallery it was trained on, if any. */
  readonly threshold?: number | null;
}

/** A face crop to store, with what the detector and the descriptor model added. */
export interface NewFace {
  /** Width of the crop in pixels. */
  readonly width: number;
  /** Height of the crop in pixels. */
  readonly height: number;
  /** The 8-bit greyscale crop, row-major, exactly `width * height` bytes. */
  readonly pixels: Uint8Array;
  /** The aligned colour chip, compressed (PNG), when the detector gave landmarks. */
  readonly chipPng?: Uint8Array;
  /** The face descriptor and the model that computed it. */
  readonly embedding?: { readonly model: string; readonly vector: Float32Array };
  /** The detector's confidence. */
  readonly score?: number;
  /** Five landmarks, in source-image pixels, as x0, y0, ..., x4, y4. */
  readonly landmarks?: readonly number[];
  /** A label for where the face came from (the file name the client gave). */
  readonly source?: string;
}

/** A stored face descriptor. `label` is the owning person's id. */
export interface StoredEmbedding {
  /** The id of the face it describes. */
  readonly id: number;
  /** The owning person's id. */
  readonly label: number;
  /** The descriptor. */
  readonly vector: Float32Array;
}

/** A stored chip that has no descriptor from `model` yet. */
export interface PendingChip {
  /** The id of the face the chip belongs to. */
  readonly id: number;
  /** The owning person's id. */
  readonly label: number;
  /** The aligned colour chip, as PNG. */
  readonly chipPng: Uint8Array;
}

/**
 * One stored face as {@link Gallery.personFaces} lists it: what is known about it, not its
 * pixels.
 */
export interface FaceRecord {
  /** The face's id, unique in the gallery (ids are never reused). */
  readonly id: number;
  /** When it was enrolled, in milliseconds since the Unix epoch. */
  readonly createdAt: number;
  /** The label of the file it came from, as the client gave it; null when none was given. */
  readonly source: string | null;
  /** The detector's confidence; null when the detector gave none (Haar). */
  readonly score: number | null;
  /** True when an aligned colour chip is stored with it (the face `dnn` uses). */
  readonly aligned: boolean;
}

/**
 * One stored face's images, as {@link Gallery.faceImages} returns them for export: the grey
 * crop always, the aligned chip (PNG) when one is stored.
 */
export interface FaceImages extends FaceRecord {
  /** Width of the grey crop in pixels. */
  readonly width: number;
  /** Height of the grey crop in pixels. */
  readonly height: number;
  /** The 8-bit grey crop, row-major, `width * height` bytes. */
  readonly pixels: Uint8Array;
  /** The aligned colour chip as stored (PNG), or null when the face has none. */
  readonly chipPng: Uint8Array | null;
}

/** The schema version this code writes; {@link migrate} brings older files up to it. */
export const SCHEMA_VERSION = 3;

// Version 1 as first released; migrate() adds what later versions need, so a new file and
// an upgraded one end up with the same tables.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', 1), ('generation', 0);
CREATE TABLE IF NOT EXISTS people (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS faces (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  person_id INTEGER NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  width INTEGER NOT NULL,
  height INTEGER NOT NULL,
  pixels BLOB NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS faces_person ON faces(person_id);
CREATE TABLE IF NOT EXISTS models (
  algorithm TEXT PRIMARY KEY,
  bytes BLOB NOT NULL,
  generation INTEGER NOT NULL,
  faces INTEGER NOT NULL,
  last_face_id INTEGER NOT NULL,
  trained_at INTEGER NOT NULL
) STRICT;
`;

function hasColumn(db: DatabaseSync, table: string, column: string): boolean {
  const columns = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  return columns.some((c) => c.name === column);
}

/**
 * Brings a database made by an earlier release up to {@link SCHEMA_VERSION}, in one
 * transaction. Each step checks for what it adds, because schema 2 shipped without
 * recording its number.
 */
function migrate(db: DatabaseSync): void {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as {
    value: number;
  };
  const from = Number(row.value);
  if (from > SCHEMA_VERSION) {
    throw new GalleryError(
      "corrupt",
      `gallery schema ${from} is newer than this release understands (${SCHEMA_VERSION})`,
    );
  }
  if (from === SCHEMA_VERSION) return;
  db.exec("BEGIN IMMEDIATE");
  try {
    // 2: models carry the threshold calibrated on their own gallery.
    if (!hasColumn(db, "models", "threshold")) {
      db.exec("ALTER TABLE models ADD COLUMN threshold REAL");
    }
    // 3: what the dnn recognizer needs beside the grey crop (an aligned colour chip and its
    // descriptor, tagged with the model that computed it), and what the detector saw.
    // Also: each crop's SHA-256, so that a crop stored twice for one person is seen, and
    // each name's case-folded key, so that "BIDEN" and "biden" are one person.
    if (!hasColumn(db, "faces", "chip_png")) {
      db.exec(`
        ALTER TABLE faces ADD COLUMN chip_png BLOB;
        ALTER TABLE faces ADD COLUMN embedding BLOB;
        ALTER TABLE faces ADD COLUMN embedding_model TEXT;
        ALTER TABLE faces ADD COLUMN score REAL;
        ALTER TABLE faces ADD COLUMN landmarks TEXT;
        ALTER TABLE faces ADD COLUMN source TEXT;
        ALTER TABLE faces ADD COLUMN crop_sha256 BLOB;
        ALTER TABLE people ADD COLUMN name_key TEXT;
      `);
      const faces = db.prepare("SELECT id, pixels FROM faces").all() as {
        id: number;
        pixels: Uint8Array;
      }[];
      const hash = db.prepare("UPDATE faces SET crop_sha256 = ? WHERE id = ?");
      for (const f of faces) hash.run(sha256(f.pixels), f.id);
      const people = db.prepare("SELECT id, name FROM people").all() as {
        id: number;
        name: string;
      }[];
      const key = db.prepare("UPDATE people SET name_key = ? WHERE id = ?");
      // Earlier releases let "BIDEN" and "biden" be two people: they keep their rows (and
      // the same key), and lookups take the oldest, as for a name enrolled first.
      for (const p of people) key.run(nameKey(p.name), p.id);
      db.exec(`
        CREATE INDEX faces_person_crop ON faces(person_id, crop_sha256);
        CREATE INDEX people_key ON people(name_key);
      `);
    }
    db.prepare("UPDATE meta SET value = ? WHERE key = 'schema'").run(SCHEMA_VERSION);
    db.exec("COMMIT");
  } catch (error) {
    db.exec("ROLLBACK");
    throw error;
  }
}

function bytesVector(bytes: Uint8Array): Float32Array {
  const copy = bytes.slice();
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

/**
 * An open gallery database. Supports `using`; closing twice is safe.
 *
 * @example
 * ```ts
 * import { Gallery } from "./gallery.ts";
 * using gallery = Gallery.open(":memory:");
 * gallery.addFaces("Ada", [{ width: 2, height: 1, pixels: new Uint8Array([1, 2]) }]);
 * gallery.listPeople(); // [{ name: "Ada", faces: 1 }]
 * ```
 */
export class Gallery implements Disposable {
  #db: DatabaseSync | undefined;
  #statements = new Map<string, StatementSync>();
  /** The database file it was opened at (or ":memory:"). */
  readonly path: string;

  private constructor(path: string, db: DatabaseSync) {
    this.path = path;
    this.#db = db;
  }

  /**
   * Opens (creating if needed) the gallery database at `path` (or ":memory:"). The file's
   * integrity is checked first (PRAGMA quick_check, which reads all of it: about 0.5 s at
   * 10,000 faces) unless `check` is false, for further connections of a process that has
   * already opened and checked it.
   */
  static open(path: string, options: GalleryOpenOptions = {}): Gallery {
    let db: DatabaseSync;
    try {
      db = new DatabaseSync(path, { readOnly: options.readOnly ?? false });
      db.exec("PRAGMA busy_timeout = 5000");
      if (!options.readOnly) {
        db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL");
        db.exec("PRAGMA foreign_keys = ON");
        db.exec(SCHEMA);
        migrate(db);
      }
      if (options.check ?? true) {
        const check = db.prepare("PRAGMA quick_check").get() as
          | { quick_check?: string }
          | undefined;
        if (check?.quick_check !== "ok") {
          throw new Error(`integrity check said ${JSON.stringify(check)}`);
        }
      }
    } catch (error) {
      throw new GalleryError("corrupt", `cannot open gallery ${path}: ${String(error)}`, {
        cause: error,
      });
    }
    return new Gallery(path, db);
  }

  #stmt(sql: string): StatementSync {
    const db = this.#open();
    let st = this.#statements.get(sql);
    if (!st) {
      st = db.prepare(sql);
      this.#statements.set(sql, st);
    }
    return st;
  }

  #open(): DatabaseSync {
    if (!this.#db) throw new Error("the gallery is closed");
    return this.#db;
  }

  #transaction<T>(body: () => T): T {
    const db = this.#open();
    db.exec("BEGIN IMMEDIATE");
    try {
      const result = body();
      db.exec("COMMIT");
      return result;
    } catch (error) {
      db.exec("ROLLBACK");
      throw error;
    }
  }

  #bump(): number {
    this.#stmt("UPDATE meta SET value = value + 1 WHERE key = 'generation'").run();
    return this.generation();
  }

  /** The current generation: bumped by every change to people or faces. */
  generation(): number {
    const row = this.#stmt("SELECT value FROM meta WHERE key = 'generation'").get() as {
      value: number;
    };
    return Number(row.value);
  }

  /**
   * Stores faces for a person (created on first use) in one durable transaction. Names are
   * one identity case-insensitively (after NFC): the first spelling enrolled is kept and
   * returned. A crop byte-identical to one the person already has is not stored again.
   * Returns the person's id and name, what was stored, and the new generation.
   */
  addFaces(rawName: string, faces: readonly NewFace[]): AddedFaces {
    const name = normalizeName(rawName);
    checkNewFaces(faces);
    return this.#transaction(() => {
      const now = Date.now();
      const key = nameKey(name);
      let person = this.#person(key);
      if (!person) {
        checkNewName(name);
        this.#stmt("INSERT INTO people (name, name_key, created_at) VALUES (?, ?, ?)").run(
          name,
          key,
          now,
        );
        person = this.#person(key)!;
      }
      const personId = person.id;
      const insert = this.#stmt(
        `INSERT INTO faces (person_id, width, height, pixels, created_at, chip_png, embedding,
           embedding_model, score, landmarks, source, crop_sha256)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const seen = this.#stmt(
        "SELECT 1 AS hit FROM faces WHERE person_id = ? AND crop_sha256 = ? LIMIT 1",
      );
      const ids: (number | null)[] = [];
      for (const face of faces) {
        const digest = sha256(face.pixels);
        if (seen.get(personId, digest)) {
          ids.push(null);
          continue;
        }
        const { lastInsertRowid } = insert.run(
          personId,
          face.width,
          face.height,
          face.pixels,
          now,
          face.chipPng ?? null,
          face.embedding ? vectorBytes(face.embedding.vector) : null,
          face.embedding?.model ?? null,
          face.score ?? null,
          face.landmarks ? JSON.stringify(face.landmarks) : null,
          face.source ?? null,
          digest,
        );
        ids.push(Number(lastInsertRowid));
      }
      const stored = ids.filter((id) => id !== null).length;
      const generation = stored > 0 ? this.#bump() : this.generation();
      return {
        personId,
        name: person.name,
        stored,
        personFaces: this.#countFaces(personId),
        generation,
        ids,
      };
    });
  }

  /** The person whose name has this key (the oldest, if an old gallery holds several). */
  #person(key: string): { id: number; name: string } | undefined {
    const row = this.#stmt(
      "SELECT id, name FROM people WHERE name_key = ? ORDER BY id LIMIT 1",
    ).get(key) as { id: number; name: string } | undefined;
    return row && { id: Number(row.id), name: row.name };
  }

  #countFaces(personId: number): number {
    const row = this.#stmt("SELECT COUNT(*) AS n FROM faces WHERE person_id = ?").get(
      personId,
    ) as { n: number };
    return Number(row.n);
  }

  /** Removes a person and all their faces. Throws `not_found` if there is no such person. */
  forget(
    rawName: string,
  ): { name: string; personId: number; removedFaces: number; generation: number } {
    const name = normalizeName(rawName);
    return this.#transaction(() => {
      const person = this.#person(nameKey(name));
      if (!person) throw new GalleryError("not_found", `no person named ${JSON.stringify(name)}`);
      const removedFaces = this.#countFaces(person.id);
      this.#stmt("DELETE FROM faces WHERE person_id = ?").run(person.id);
      this.#stmt("DELETE FROM people WHERE id = ?").run(person.id);
      return {
        name: person.name,
        personId: person.id,
        removedFaces,
        generation: this.#bump(),
      };
    });
  }

  /** The person whose name is `rawName` (after {@link normalizeName}), or `not_found`. */
  #require(rawName: string): { id: number; name: string } {
    const name = normalizeName(rawName);
    const person = this.#person(nameKey(name));
    if (!person) throw new GalleryError("not_found", `no person named ${JSON.stringify(name)}`);
    return person;
  }

  /**
   * Renames a person, in one transaction: their faces, ids and models stay as they are.
   * `newName` goes through {@link normalizeName} and becomes the stored spelling. A new
   * name that is the same person's (`ada` to `Ada`) only changes the spelling. Does not
   * bump the generation: no face changed, and models hold person ids, not names.
   *
   * @throws {GalleryError} `not_found` when nobody is named `oldName`; `exists` when another
   * person already holds `newName` (nothing changes); `invalid_name` for a bad name.
   */
  rename(
    oldName: string,
    newName: string,
  ): { personId: number; oldName: string; name: string } {
    const name = normalizeName(newName);
    checkNewName(name);
    return this.#transaction(() => {
      const person = this.#require(oldName);
      const key = nameKey(name);
      const holder = this.#person(key);
      if (holder && holder.id !== person.id) {
        throw new GalleryError(
          "exists",
          `cannot rename ${JSON.stringify(person.name)} to ${JSON.stringify(name)}: ${
            JSON.stringify(holder.name)
          } is already enrolled`,
        );
      }
      this.#stmt("UPDATE people SET name = ?, name_key = ? WHERE id = ?").run(name, key, person.id);
      return { personId: person.id, oldName: person.name, name };
    });
  }

  /**
   * A person's stored faces, oldest first, without their pixels.
   *
   * @throws {GalleryError} `not_found` when nobody is named `rawName`.
   */
  personFaces(rawName: string): { personId: number; name: string; faces: FaceRecord[] } {
    const person = this.#require(rawName);
    const rows = this.#stmt(
      `SELECT id, created_at, source, score, chip_png IS NOT NULL AS aligned FROM faces
       WHERE person_id = ? ORDER BY id`,
    ).all(person.id) as {
      id: number;
      created_at: number;
      source: string | null;
      score: number | null;
      aligned: number;
    }[];
    return {
      personId: person.id,
      name: person.name,
      faces: rows.map(faceRecord),
    };
  }

  /**
   * A person's stored faces with their images (grey crop, and chip PNG when stored), oldest
   * first: what an export writes out.
   *
   * @throws {GalleryError} `not_found` when nobody is named `rawName`.
   */
  faceImages(rawName: string): { personId: number; name: string; faces: FaceImages[] } {
    const person = this.#require(rawName);
    const rows = this.#stmt(
      `SELECT id, created_at, source, score, width, height, pixels, chip_png FROM faces
       WHERE person_id = ? ORDER BY id`,
    ).all(person.id) as {
      id: number;
      created_at: number;
      source: string | null;
      score: number | null;
      width: number;
      height: number;
      pixels: Uint8Array;
      chip_png: Uint8Array | null;
    }[];
    return {
      personId: person.id,
      name: person.name,
      faces: rows.map((r) => ({
        ...faceRecord({ ...r, aligned: r.chip_png !== null }),
        width: Number(r.width),
        height: Number(r.height),
        pixels: r.pixels,
        chipPng: r.chip_png,
      })),
    };
  }

  /**
   * Removes one face of a person and bumps the generation, in one transaction. A person
   * whose last face this was is removed too (`removedPerson`), as a forget would.
   *
   * @throws {GalleryError} `not_found` when nobody is named `rawName`, or when they have no
   * face with id `faceId` (another person's face is not theirs to lose).
   */
  forgetFace(rawName: string, faceId: number): ForgottenFace {
    return this.#transaction(() => {
      const person = this.#require(rawName);
      const { changes } = this.#stmt("DELETE FROM faces WHERE id = ? AND person_id = ?").run(
        faceId,
        person.id,
      );
      if (Number(changes) === 0) throw noSuchFace(person.name, faceId);
      const personFaces = this.#countFaces(person.id);
      if (personFaces === 0) this.#stmt("DELETE FROM people WHERE id = ?").run(person.id);
      return {
        personId: person.id,
        name: person.name,
        faceId,
        personFaces,
        removedPerson: personFaces === 0,
        generation: this.#bump(),
      };
    });
  }

  /** People with their face counts, sorted by name. */
  listPeople(): { name: string; faces: number }[] {
    const rows = this.#stmt(
      `SELECT p.name AS name, COUNT(f.id) AS faces FROM people p
       LEFT JOIN faces f ON f.person_id = p.id GROUP BY p.id ORDER BY p.name`,
    ).all() as { name: string; faces: number }[];
    return rows.map((r) => ({ name: r.name, faces: Number(r.faces) }));
  }

  /** The face count of every person who has faces, in no particular order. */
  faceCounts(): number[] {
    const rows = this.#stmt("SELECT COUNT(*) AS n FROM faces GROUP BY person_id").all() as {
      n: number;
    }[];
    return rows.map((r) => Number(r.n));
  }

  /** Person id -> name, for every person currently enrolled. */
  names(): Map<number, string> {
    const rows = this.#stmt("SELECT id, name FROM people").all() as { id: number; name: string }[];
    return new Map(rows.map((r) => [Number(r.id), r.name]));
  }

  /** Numbers of people and faces. */
  counts(): { people: number; faces: number } {
    const row = this.#stmt(
      "SELECT (SELECT COUNT(*) FROM people) AS people, (SELECT COUNT(*) FROM faces) AS faces",
    ).get() as { people: number; faces: number };
    return { people: Number(row.people), faces: Number(row.faces) };
  }

  /**
   * Stored faces with `afterId < id <= upToId`, in id order: a trainer reads exactly the
   * faces it was asked to train on, whatever was added meanwhile.
   */
  faces(afterId = 0, upToId = Number.MAX_SAFE_INTEGER): StoredFace[] {
    const rows = this.#stmt(
      "SELECT id, person_id, width, height, pixels FROM faces WHERE id > ? AND id <= ? ORDER BY id",
    ).all(afterId, upToId) as {
      id: number;
      person_id: number;
      width: number;
      height: number;
      pixels: Uint8Array;
    }[];
    return rows.map((r) => ({
      id: Number(r.id),
      label: Number(r.person_id),
      width: Number(r.width),
      height: Number(r.height),
      pixels: r.pixels,
    }));
  }

  /**
   * Every stored descriptor computed by `model`, in id order: what the dnn recognizer
   * searches. Faces without one (enrolled before chips existed, or by another model) are
   * left out; {@link embeddingCounts} says how many.
   */
  embeddings(model: string): StoredEmbedding[] {
    const rows = this.#stmt(
      `SELECT id, person_id, embedding FROM faces
       WHERE embedding IS NOT NULL AND embedding_model = ? ORDER BY id`,
    ).all(model) as { id: number; person_id: number; embedding: Uint8Array }[];
    return rows.map((r) => ({
      id: Number(r.id),
      label: Number(r.person_id),
      vector: bytesVector(r.embedding),
    }));
  }

  /**
   * Faces by what `model` can do with them: `embedded` have its descriptor, `pending` have
   * a chip but no descriptor of this model yet (they can be re-embedded), `noChip` were
   * enrolled without a chip (before chips existed, or through the Haar detector) and need
   * their photo enrolled again.
   */
  embeddingCounts(model: string): { embedded: number; pending: number; noChip: number } {
    const row = this.#stmt(
      `SELECT
         SUM(CASE WHEN embedding IS NOT NULL AND embedding_model = ? THEN 1 ELSE 0 END) AS embedded,
         SUM(CASE WHEN chip_png IS NOT NULL AND (embedding IS NULL OR embedding_model IS NOT ?)
             THEN 1 ELSE 0 END) AS pending,
         SUM(CASE WHEN chip_png IS NULL THEN 1 ELSE 0 END) AS no_chip
       FROM faces`,
    ).get(model, model) as {
      embedded: number | null;
      pending: number | null;
      no_chip: number | null;
    };
    return {
      embedded: Number(row.embedded ?? 0),
      pending: Number(row.pending ?? 0),
      noChip: Number(row.no_chip ?? 0),
    };
  }

  /** Up to `limit` chips that have no descriptor from `model`, in id order. */
  pendingChips(model: string, limit: number): PendingChip[] {
    const rows = this.#stmt(
      `SELECT id, person_id, chip_png FROM faces
       WHERE chip_png IS NOT NULL AND (embedding IS NULL OR embedding_model IS NOT ?)
       ORDER BY id LIMIT ?`,
    ).all(model, limit) as { id: number; person_id: number; chip_png: Uint8Array }[];
    return rows.map((r) => ({ id: Number(r.id), label: Number(r.person_id), chipPng: r.chip_png }));
  }

  /**
   * Stores descriptors computed later from stored chips and returns the ids it stored them
   * for: faces forgotten meanwhile are skipped. Does not bump the generation: no person or
   * face changed.
   */
  setEmbeddings(model: string, items: readonly { id: number; vector: Float32Array }[]): number[] {
    return this.#transaction(() => {
      const update = this.#stmt(
        "UPDATE faces SET embedding = ?, embedding_model = ? WHERE id = ?",
      );
      return items.flatMap((item) =>
        Number(update.run(vectorBytes(item.vector), model, item.id).changes) > 0 ? [item.id] : []
      );
    });
  }

  /** Number of stored faces whose id is at most `maxId`. */
  countFacesUpTo(maxId: number): number {
    // Counted over the person index, whose entries carry the id: the table's own b-tree
    // has a page per face (their crops are stored inline), five times slower to walk.
    const row = this.#stmt(
      "SELECT COUNT(*) AS n FROM faces INDEXED BY faces_person WHERE id <= ?",
    ).get(maxId) as { n: number };
    return Number(row.n);
  }

  /** Highest face id stored so far (0 when empty). */
  lastFaceId(): number {
    const row = this.#stmt("SELECT COALESCE(MAX(id), 0) AS id FROM faces").get() as { id: number };
    return Number(row.id);
  }

  /** Stores a trained model snapshot, replacing the previous one for that algorithm. */
  saveModel(model: StoredModel): void {
    this.#stmt(
      `INSERT INTO models (algorithm, bytes, generation, faces, last_face_id, trained_at,
         threshold)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(algorithm) DO UPDATE SET bytes = excluded.bytes,
         generation = excluded.generation, faces = excluded.faces,
         last_face_id = excluded.last_face_id, trained_at = excluded.trained_at,
         threshold = excluded.threshold`,
    ).run(
      model.algorithm,
      model.bytes,
      model.generation,
      model.faces,
      model.lastFaceId,
      Date.now(),
      model.threshold ?? null,
    );
  }

  /** Deletes a stored model (e.g. when it can no longer be trained). */
  dropModel(algorithm: string): void {
    this.#stmt("DELETE FROM models WHERE algorithm = ?").run(algorithm);
  }

  /** The stored model for an algorithm, if any. */
  loadModel(algorithm: string): StoredModel | undefined {
    const row = this.#stmt(
      `SELECT algorithm, bytes, generation, faces, last_face_id, threshold FROM models
       WHERE algorithm = ?`,
    ).get(algorithm) as
      | {
        algorithm: string;
        bytes: Uint8Array;
        generation: number;
        faces: number;
        last_face_id: number;
        threshold: number | null;
      }
      | undefined;
    if (!row) return undefined;
    return {
      algorithm: row.algorithm,
      bytes: row.bytes,
      generation: Number(row.generation),
      faces: Number(row.faces),
      lastFaceId: Number(row.last_face_id),
      threshold: row.threshold === null ? null : Number(row.threshold),
    };
  }

  /** Closes the database. Safe to call more than once. */
  close(): void {
    const db = this.#db;
    this.#db = undefined;
    this.#statements.clear();
    db?.close();
  }

  /** Closes the database, as {@link Gallery.close} does (for `using`). */
  [Symbol.dispose](): void {
    this.close();
  }
}
