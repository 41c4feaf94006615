/**
 * The shared gallery backend: people, faces and model snapshots in one PostgreSQL
 * database (through `npm:postgres`), which several recognizers use at once.
 *
 * - The schema is created and migrated at start-up, in one transaction under an advisory
 *   lock, so replicas starting together migrate once. Its version is in `meta`.
 * - Writers are serialised on the generation row (locked first in every writing
 *   transaction), so face ids are handed out in commit order: a replica that has read up
 *   to face id N never sees a face with a smaller id appear later.
 * - Every change sends `NOTIFY facerec_gallery` inside its transaction, so the other
 *   replicas hear of it only once it is committed.
 * - A lost database is a {@link GalleryError} with code `unavailable`, never a hang: the
 *   connection attempt gives up after a few seconds.
 *
 * @module
 */
import postgres from "postgres";
import { GalleryError } from "./errors.ts";
import { checkNewFaces, noSuchFace, sha256, vectorBytes } from "./_new_face.ts";
import { faceRecord } from "./_face_record.ts";
import type {
  FaceImages,
  FaceRecord,
  NewFace,
  PendingChip,
  StoredEmbedding,
  StoredFace,
  StoredModel,
} from "./gallery.ts";
import { checkNewName, hasInvisible, nameKey, normalizeName } from "./name.ts";
import type {
  AddedFaces,
  EmbeddingCounts,
  ForgottenFace,
  ForgottenPerson,
  GalleryChange,
  GalleryStore,
} from "./store.ts";
import { parsePostgresUrl, redactUrl } from "./postgres_url.ts";
import { MIGRATIONS } from "./_postgres_schema.ts";
import { describe, guardDriverTimers, isConnectionLoss } from "./_postgres_driver.ts";

export { POSTGRES_SCHEMA_VERSION } from "./_postgres_schema.ts";
export { isConnectionLoss } from "./_postgres_driver.ts";

/** The channel replicas listen on. */
export const CHANGE_CHANNEL = "facerec_gallery";
// Advisory lock keys (any two fixed numbers no other user of the database takes).
const MIGRATE_LOCK = 7_302_001;
const LEAD_LOCK = 7_302_002;

type Sql = postgres.Sql;
type Row = Record<string, unknown>;

/** Options of {@link PostgresGallery.connect}. */
export interface PostgresGalleryOptions {
  /** Skip schema creation and migration (a training worker's connection). */
  readOnly?: boolean;
  /** Pool size (default 4). */
  connections?: number;
  /** Seconds to wait for a connection before a call fails with `unavailable` (default 3). */
  connectTimeout?: number;
  /**
   * Seconds a call may take before it fails with `unavailable` (default 20): well inside a
   * client's own wait (60 s), so a write during an outage is refused rather than left to
   * time out. The largest read, a replica's full resync, is about 50 MB of descriptors at
   * 100,000 faces.
   */
  queryTimeout?: number;
}

/**
 * A {@link GalleryStore} on a PostgreSQL database.
 *
 * @example
 * ```ts ignore
 * import { PostgresGallery } from "./postgres_gallery.ts";
 * await using gallery = await PostgresGallery.connect("postgres://facerec@127.0.0.1:5432/facerec");
 * await gallery.listPeople();
 * ```
 */
export class PostgresGallery implements GalleryStore {
  readonly kind = "postgres" as const;
  readonly shared = true;
  readonly location: string;
  readonly #sql: Sql;
  #lead: postgres.ReservedSql | undefined;
  #closed = false;
  readonly #queryTimeout: number;

  private constructor(location: string, sql: Sql, queryTimeout: number) {
    this.location = location;
    this.#sql = sql;
    this.#queryTimeout = queryTimeout;
  }

  /**
   * Connects, and (unless `readOnly`) creates or migrates the schema. Throws a
   * {@link GalleryError}: `unavailable` when the server cannot be reached, `corrupt` when
   * its schema is newer than this release.
   */
  static async connect(
    url: string,
    options: PostgresGalleryOptions = {},
  ): Promise<PostgresGallery> {
    parsePostgresUrl(url);
    guardDriverTimers();
    const sql = postgres(url, {
      max: options.connections ?? 4,
      connect_timeout: options.connectTimeout ?? 3,
      idle_timeout: 60,
      onnotice: () => {},
      connection: { application_name: "facerec" },
    });
    const gallery = new PostgresGallery(url, sql, options.queryTimeout ?? 20);
    try {
      if (!options.readOnly) await gallery.#migrate();
      else await gallery.#run((q) => q`SELECT 1`);
    } catch (error) {
      await sql.end({ timeout: 1 }).catch(() => {});
      if (error instanceof GalleryError) throw error;
      throw new GalleryError(
        "corrupt",
        `cannot open gallery ${redactUrl(url)}: ${describe(error)}`,
        { cause: error },
      );
    }
    return gallery;
  }

  async #migrate(): Promise<void> {
    await this.#run((q) =>
      q.begin(async (tx) => {
        await tx`SELECT pg_advisory_xact_lock(${MIGRATE_LOCK})`;
        await tx.unsafe(
          "CREATE TABLE IF NOT EXISTS meta (key text PRIMARY KEY, value bigint NOT NULL)",
        );
        await tx`INSERT INTO meta (key, value) VALUES ('schema', 0), ('generation', 0)
                 ON CONFLICT (key) DO NOTHING`;
        const [row] = await tx`SELECT value FROM meta WHERE key = 'schema'`;
        const from = Number(row!.value);
        if (from > MIGRATIONS.length) {
          throw new GalleryError(
            "corrupt",
            `gallery schema ${from} is newer than this release understands (${MIGRATIONS.length})`,
          );
        }
        for (let version = from; version < MIGRATIONS.length; version++) {
          await tx.unsafe(MIGRATIONS[version]!);
        }
        await tx`UPDATE meta SET value = ${MIGRATIONS.length} WHERE key = 'schema'`;
      })
    );
  }

  /**
   * Runs a query, turning a lost connection into `unavailable`, and so is a query that has
   * not answered within `queryTimeout` seconds: a connection the driver lost track of
   * (see {@link guardDriverTimers}) must not hold a request, or a shutdown, for ever.
   */
  async #run<T>(body: (sql: Sql) => Promise<T>): Promise<T> {
    if (this.#closed) throw new Error("the gallery is closed");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(Object.assign(new Error(`no answer within ${this.#queryTimeout} s`), {
            code: "CONNECT_TIMEOUT",
          })),
        this.#queryTimeout * 1000,
      );
    });
    try {
      return await Promise.race([body(this.#sql), timeout]);
    } catch (error) {
      if (isConnectionLoss(error)) {
        throw new GalleryError(
          "unavailable",
          `the gallery database ${redactUrl(this.location)} is unreachable: ${describe(error)}`,
          { cause: error },
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async generation(): Promise<number> {
    const [row] = await this.#run((q) => q`SELECT value FROM meta WHERE key = 'generation'`);
    return Number(row!.value);
  }

  async addFaces(rawName: string, faces: readonly NewFace[]): Promise<AddedFaces> {
    const name = normalizeName(rawName);
    checkNewFaces(faces);
    const key = nameKey(name);
    return await this.#run((q) =>
      q.begin(async (tx) => {
        // Writers queue here, so ids below are allocated in commit order.
        const [gen] = await tx`SELECT value FROM meta WHERE key = 'generation' FOR UPDATE`;
        const now = Date.now();
        if (hasInvisible(name)) {
          // Refused for a new person only: one enrolled before the rule keeps its name.
          const [known] = await tx`SELECT 1 FROM people WHERE name_key = ${key}`;
          if (!known) checkNewName(name);
        }
        await tx`INSERT INTO people (name, name_key, created_at) VALUES (${name}, ${key}, ${now})
                 ON CONFLICT (name_key) DO NOTHING`;
        const [person] = await tx`SELECT id, name FROM people WHERE name_key = ${key}`;
        const personId = Number(person!.id);
        const ids: (number | null)[] = [];
        for (const face of faces) {
          const digest = sha256(face.pixels);
          const seen = await tx`SELECT 1 FROM faces
                                WHERE person_id = ${personId} AND crop_sha256 = ${digest} LIMIT 1`;
          if (seen.length > 0) {
            ids.push(null);
            continue;
          }
          const [inserted] = await tx`
            INSERT INTO faces (person_id, width, height, pixels, created_at, chip_png, embedding,
              embedding_model, score, landmarks, source, crop_sha256)
            VALUES (${personId}, ${face.width}, ${face.height}, ${face.pixels}, ${now},
              ${face.chipPng ?? null}, ${
            face.embedding ? vectorBytes(face.embedding.vector) : null
          },
              ${face.embedding?.model ?? null}, ${face.score ?? null},
              ${face.landmarks ? JSON.stringify(face.landmarks) : null}, ${face.source ?? null},
              ${digest})
            RETURNING id`;
          ids.push(Number(inserted!.id));
        }
        const stored = ids.filter((id) => id !== null).length;
        const generation = stored > 0 ? await bump(tx) : Number(gen!.value);
        const [count] = await tx`SELECT COUNT(*) AS n FROM faces WHERE person_id = ${personId}`;
        return {
          personId,
          name: String(person!.name),
          stored,
          personFaces: Number(count!.n),
          generation,
          ids,
        };
      })
    );
  }

  async forget(rawName: string): Promise<ForgottenPerson> {
    const name = normalizeName(rawName);
    return await this.#run((q) =>
      q.begin(async (tx) => {
        await tx`SELECT value FROM meta WHERE key = 'generation' FOR UPDATE`;
        const person = await requirePerson(tx, name);
        const removed = await tx`DELETE FROM faces WHERE person_id = ${person.id}`;
        await tx`DELETE FROM people WHERE id = ${person.id}`;
        return {
          name: person.name,
          personId: person.id,
          removedFaces: removed.count,
          generation: await bump(tx),
        };
      })
    );
  }

  /**
   * Renames a person: faces, ids and models stay. Does not bump the generation (no face
   * changed); the other replicas hear of it through a `names` notification.
   *
   * @throws {GalleryError} `not_found` for no such person; `exists` when another person
   * holds `newName`; `invalid_name` for a bad name.
   */
  async rename(
    oldName: string,
    newName: string,
  ): Promise<{ personId: number; oldName: string; name: string }> {
    const old = normalizeName(oldName);
    const name = normalizeName(newName);
    checkNewName(name);
    const key = nameKey(name);
    return await this.#run((q) =>
      q.begin(async (tx) => {
        const [gen] = await tx`SELECT value FROM meta WHERE key = 'generation' FOR UPDATE`;
        const person = await requirePerson(tx, old);
        const [holder] = await tx`SELECT id, name FROM people WHERE name_key = ${key}`;
        if (holder && Number(holder.id) !== person.id) {
          throw new GalleryError(
            "exists",
            `cannot rename ${JSON.stringify(person.name)} to ${JSON.stringify(name)}: ${
              JSON.stringify(String(holder.name))
            } is already enrolled`,
          );
        }
        await tx`UPDATE people SET name = ${name}, name_key = ${key} WHERE id = ${person.id}`;
        const change: GalleryChange = { kind: "names", generation: Number(gen!.value) };
        await tx`SELECT pg_notify(${CHANGE_CHANNEL}, ${JSON.stringify(change)})`;
        return { personId: person.id, oldName: person.name, name };
      })
    );
  }

  /** A person's stored faces, oldest first, without their pixels; `not_found` if none. */
  async personFaces(
    rawName: string,
  ): Promise<{ personId: number; name: string; faces: FaceRecord[] }> {
    const name = normalizeName(rawName);
    return await this.#run((q) =>
      q.begin(async (tx) => {
        const person = await requirePerson(tx, name);
        const rows = await tx`SELECT id, created_at, source, score, chip_png IS NOT NULL AS aligned
                              FROM faces WHERE person_id = ${person.id} ORDER BY id`;
        return { personId: person.id, name: person.name, faces: rows.map(faceRecord) };
      })
    );
  }

  /** A person's stored faces with their grey crop and chip PNG, oldest first (export). */
  async faceImages(
    rawName: string,
  ): Promise<{ personId: number; name: string; faces: FaceImages[] }> {
    const name = normalizeName(rawName);
    return await this.#run((q) =>
      q.begin(async (tx) => {
        const person = await requirePerson(tx, name);
        const rows = await tx`SELECT id, created_at, source, score, chip_png IS NOT NULL AS aligned,
                                width, height, pixels, chip_png
                              FROM faces WHERE person_id = ${person.id} ORDER BY id`;
        return {
          personId: person.id,
          name: person.name,
          faces: rows.map((r) => ({
            ...faceRecord(r),
            width: Number(r.width),
            height: Number(r.height),
            pixels: own(r.pixels),
            chipPng: r.chip_png === null ? null : own(r.chip_png),
          })),
        };
      })
    );
  }

  /**
   * Removes one face of a person (and the person with their last face), bumping the
   * generation. `not_found` when the person has no face with that id.
   */
  async forgetFace(rawName: string, faceId: number): Promise<ForgottenFace> {
    const name = normalizeName(rawName);
    return await this.#run((q) =>
      q.begin(async (tx) => {
        await tx`SELECT value FROM meta WHERE key = 'generation' FOR UPDATE`;
        const person = await requirePerson(tx, name);
        const removed =
          await tx`DELETE FROM faces WHERE id = ${faceId} AND person_id = ${person.id}`;
        if (removed.count === 0) throw noSuchFace(person.name, faceId);
        const [count] = await tx`SELECT COUNT(*) AS n FROM faces WHERE person_id = ${person.id}`;
        const personFaces = Number(count!.n);
        if (personFaces === 0) await tx`DELETE FROM people WHERE id = ${person.id}`;
        return {
          personId: person.id,
          name: person.name,
          faceId,
          personFaces,
          removedPerson: personFaces === 0,
          generation: await bump(tx),
        };
      })
    );
  }

  async listPeople(): Promise<{ name: string; faces: number }[]> {
    const rows = await this.#run((q) =>
      q`SELECT p.name AS name, COUNT(f.id) AS faces FROM people p
        LEFT JOIN faces f ON f.person_id = p.id GROUP BY p.id, p.name ORDER BY p.name COLLATE "C"`
    );
    return rows.map((r) => ({ name: String(r.name), faces: Number(r.faces) }));
  }

  async faceCounts(): Promise<number[]> {
    const rows = await this.#run((q) => q`SELECT COUNT(*) AS n FROM faces GROUP BY person_id`);
    return rows.map((r) => Number(r.n));
  }

  async names(): Promise<Map<number, string>> {
    const rows = await this.#run((q) => q`SELECT id, name FROM people`);
    return new Map(rows.map((r) => [Number(r.id), String(r.name)]));
  }

  async counts(): Promise<{ people: number; faces: number }> {
    const [row] = await this.#run((q) =>
      q`SELECT (SELECT COUNT(*) FROM people) AS people, (SELECT COUNT(*) FROM faces) AS faces`
    );
    return { people: Number(row!.people), faces: Number(row!.faces) };
  }

  async faces(afterId = 0, upToId = Number.MAX_SAFE_INTEGER): Promise<StoredFace[]> {
    const rows = await this.#run((q) =>
      q`SELECT id, person_id, width, height, pixels FROM faces
        WHERE id > ${afterId} AND id <= ${upToId} ORDER BY id`
    );
    return rows.map((r) => ({
      id: Number(r.id),
      label: Number(r.person_id),
      width: Number(r.width),
      height: Number(r.height),
      pixels: own(r.pixels),
    }));
  }

  async embeddings(model: string): Promise<StoredEmbedding[]> {
    const rows = await this.#run((q) =>
      q`SELECT id, person_id, embedding FROM faces
        WHERE embedding IS NOT NULL AND embedding_model = ${model} ORDER BY id`
    );
    return rows.map(embeddingRow);
  }

  async embeddingIds(model: string): Promise<number[]> {
    const rows = await this.#run((q) =>
      q`SELECT id FROM faces WHERE embedding IS NOT NULL AND embedding_model = ${model}
        ORDER BY id`
    );
    return rows.map((r) => Number(r.id));
  }

  async embeddingsOf(model: string, ids: readonly number[]): Promise<StoredEmbedding[]> {
    if (ids.length === 0) return [];
    const rows = await this.#run((q) =>
      q`SELECT id, person_id, embedding FROM faces
        WHERE embedding IS NOT NULL AND embedding_model = ${model} AND id IN ${q(ids as number[])}
        ORDER BY id`
    );
    return rows.map(embeddingRow);
  }

  async embeddingCounts(model: string): Promise<EmbeddingCounts> {
    const [row] = await this.#run((q) =>
      q`SELECT
          COUNT(*) FILTER (WHERE embedding IS NOT NULL AND embedding_model = ${model}) AS embedded,
          COUNT(*) FILTER (WHERE chip_png IS NOT NULL
            AND (embedding IS NULL OR embedding_model IS DISTINCT FROM ${model})) AS pending,
          COUNT(*) FILTER (WHERE chip_png IS NULL) AS no_chip
        FROM faces`
    );
    return {
      embedded: Number(row!.embedded),
      pending: Number(row!.pending),
      noChip: Number(row!.no_chip),
    };
  }

  async pendingChips(model: string, limit: number): Promise<PendingChip[]> {
    const rows = await this.#run((q) =>
      q`SELECT id, person_id, chip_png FROM faces
        WHERE chip_png IS NOT NULL AND (embedding IS NULL OR embedding_model IS DISTINCT FROM ${model})
        ORDER BY id LIMIT ${limit}`
    );
    return rows.map((r) => ({
      id: Number(r.id),
      label: Number(r.person_id),
      chipPng: own(r.chip_png),
    }));
  }

  async setEmbeddings(
    model: string,
    items: readonly { id: number; vector: Float32Array }[],
  ): Promise<number[]> {
    return await this.#run((q) =>
      q.begin(async (tx) => {
        const stored: number[] = [];
        for (const item of items) {
          const done = await tx`UPDATE faces SET embedding = ${vectorBytes(item.vector)},
                                  embedding_model = ${model} WHERE id = ${item.id}`;
          if (done.count > 0) stored.push(item.id);
        }
        return stored;
      })
    );
  }

  async countFacesUpTo(maxId: number): Promise<number> {
    const [row] = await this.#run((q) => q`SELECT COUNT(*) AS n FROM faces WHERE id <= ${maxId}`);
    return Number(row!.n);
  }

  async lastFaceId(): Promise<number> {
    const [row] = await this.#run((q) => q`SELECT COALESCE(MAX(id), 0) AS id FROM faces`);
    return Number(row!.id);
  }

  async saveModel(model: StoredModel): Promise<void> {
    const change: GalleryChange = {
      kind: "model",
      generation: model.generation,
      algorithm: model.algorithm,
    };
    await this.#run((q) =>
      q.begin(async (tx) => {
        const saved = await tx`
          INSERT INTO models (algorithm, bytes, generation, faces, last_face_id, trained_at,
            threshold)
          VALUES (${model.algorithm}, ${model.bytes}, ${model.generation}, ${model.faces},
            ${model.lastFaceId}, ${Date.now()}, ${model.threshold ?? null})
          ON CONFLICT (algorithm) DO UPDATE SET bytes = excluded.bytes,
            generation = excluded.generation, faces = excluded.faces,
            last_face_id = excluded.last_face_id, trained_at = excluded.trained_at,
            threshold = excluded.threshold
          WHERE models.generation <= excluded.generation`;
        if (saved.count > 0) {
          await tx`SELECT pg_notify(${CHANGE_CHANNEL}, ${JSON.stringify(change)})`;
        }
      })
    );
  }

  async dropModel(algorithm: string): Promise<void> {
    await this.#run((q) => q`DELETE FROM models WHERE algorithm = ${algorithm}`);
  }

  async loadModel(algorithm: string): Promise<StoredModel | undefined> {
    const [row] = await this.#run((q) =>
      q`SELECT algorithm, bytes, generation, faces, last_face_id, threshold FROM models
        WHERE algorithm = ${algorithm}`
    );
    if (!row) return undefined;
    return {
      algorithm: String(row.algorithm),
      bytes: own(row.bytes),
      generation: Number(row.generation),
      faces: Number(row.faces),
      lastFaceId: Number(row.last_face_id),
      threshold: row.threshold === null ? null : Number(row.threshold),
    };
  }

  async modelGeneration(algorithm: string): Promise<number | undefined> {
    const [row] = await this.#run((q) =>
      q`SELECT generation FROM models WHERE algorithm = ${algorithm}`
    );
    return row ? Number(row.generation) : undefined;
  }

  async watch(listener: (change: GalleryChange) => void, onReconnect?: () => void): Promise<void> {
    let listening = false;
    await this.#run((q) =>
      q.listen(CHANGE_CHANNEL, (payload) => {
        const change = parseChange(payload);
        if (change) listener(change);
      }, () => {
        // Called on the first LISTEN and again after every reconnection, when
        // notifications sent meanwhile were lost.
        if (listening) onReconnect?.();
        listening = true;
      })
    );
  }

  async tryLead(): Promise<boolean> {
    if (this.#closed) return false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("no answer within 3 s")), 3000);
    });
    try {
      return await Promise.race([this.#tryLead(), timeout]);
    } catch {
      // A lost or hung session: whatever lock it held is gone with it (or will be).
      const lead = this.#lead;
      this.#lead = undefined;
      lead?.release();
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async #tryLead(): Promise<boolean> {
    {
      if (!this.#lead) this.#lead = await this.#sql.reserve();
      const lead = this.#lead;
      // Held already (on this very session)? Then the lock is still ours.
      const [held] = await lead`SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'
        AND objid = ${LEAD_LOCK} AND pid = pg_backend_pid() AND granted) AS held`;
      if (held!.held) return true;
      const [got] = await lead`SELECT pg_try_advisory_lock(${LEAD_LOCK}) AS ok`;
      return Boolean(got!.ok);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#lead?.release();
    this.#lead = undefined;
    await this.#sql.end({ timeout: 2 }).catch(() => {});
  }

  /** Closes it, as {@link PostgresGallery.close} does (for `await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

async function bump(tx: postgres.TransactionSql): Promise<number> {
  const [row] = await tx`UPDATE meta SET value = value + 1 WHERE key = 'generation'
                         RETURNING value`;
  const generation = Number(row!.value);
  const change: GalleryChange = { kind: "gallery", generation };
  await tx`SELECT pg_notify(${CHANGE_CHANNEL}, ${JSON.stringify(change)})`;
  return generation;
}

/** The person whose canonical name is `name`, or `not_found`. */
async function requirePerson(
  tx: postgres.TransactionSql,
  name: string,
): Promise<{ id: number; name: string }> {
  const [person] = await tx`SELECT id, name FROM people WHERE name_key = ${nameKey(name)}`;
  if (!person) throw new GalleryError("not_found", `no person named ${JSON.stringify(name)}`);
  return { id: Number(person.id), name: String(person.name) };
}

function parseChange(payload: string): GalleryChange | undefined {
  try {
    const value = JSON.parse(payload) as Partial<GalleryChange>;
    const kinds = ["gallery", "model", "names"];
    if (kinds.includes(value.kind as string) && Number.isFinite(value.generation)) {
      return value as GalleryChange;
    }
  } catch {
    // Not ours: some other user of the channel.
  }
  return undefined;
}

/** A bytea column as a Uint8Array of its own (postgres.js gives pooled Node Buffers). */
function own(value: unknown): Uint8Array {
  return new Uint8Array(value as Uint8Array);
}

function embeddingRow(r: Row): StoredEmbedding {
  const bytes = own(r.embedding);
  return {
    id: Number(r.id),
    label: Number(r.person_id),
    vector: new Float32Array(bytes.buffer, 0, bytes.byteLength / 4),
  };
}
