/**
 * A throwaway PostgreSQL server for tests and benchmarks: `initdb` into a temporary
 * folder, `pg_ctl start` on a free loopback port, trust authentication for one user, and
 * everything removed on dispose. Run as root, the server runs as the `postgres` user
 * (through `runuser`), because PostgreSQL refuses to run as root.
 *
 * The binaries are looked for in `$PG_BIN`, then `/usr/lib/postgresql/<version>/bin` (the
 * Debian layout), then the PATH. {@link findPostgresBin} says whether they are there, so
 * that a suite can skip with one notice on a machine without them.
 * @module
 */

/** A running test server. */
export interface PostgresServer extends AsyncDisposable {
  /** `postgres://facerec@127.0.0.1:PORT/facerec`. */
  readonly url: string;
  readonly port: number;
  /** Stops it (fast shutdown: open connections are cut). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data. */
  start(): Promise<void>;
  /** The server log so far. */
  log(): Promise<string>;
}

/** The folder holding `initdb` and `pg_ctl`, or undefined when PostgreSQL is not installed. */
export function findPostgresBin(): string | undefined {
  const candidates: string[] = [];
  const env = Deno.env.get("PG_BIN");
  if (env) candidates.push(env);
  try {
    const versions = [...Deno.readDirSync("/usr/lib/postgresql")]
      .map((e) => e.name)
      .filter((n) => /^\d+$/.test(n))
      .sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // Not the Debian layout.
  }
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) if (dir) candidates.push(dir);
  return candidates.find((dir) => exists(`${dir}/initdb`) && exists(`${dir}/pg_ctl`));
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** A free TCP port on 127.0.0.1 (free when asked; another process could take it after). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

const isRoot = () => Deno.uid?.() === 0;

async function run(bin: string, args: string[], what: string): Promise<void> {
  const [cmd, ...rest] = isRoot() ? ["runuser", "-u", "postgres", "--", bin, ...args] : [
    bin,
    ...args,
  ];
  const out = await new Deno.Command(cmd!, { args: rest, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    const text = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
    throw new Error(`${what} failed (exit ${out.code}): ${text.trim()}`);
  }
}

/**
 * Creates and starts a server. Throws when the binaries are missing: check
 * {@link findPostgresBin} first.
 */
export async function startPostgres(options: { port?: number } = {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (!bin) throw new Error("PostgreSQL binaries (initdb, pg_ctl) not found; set PG_BIN");
  const dir = await Deno.makeTempDir({ prefix: "facerec-pg-" });
  if (isRoot()) {
    const chown = await new Deno.Command("chown", { args: ["-R", "postgres:", dir] }).output();
    if (!chown.success) throw new Error(`chown ${dir} to postgres failed`);
  }
  const data = `${dir}/data`;
  const logFile = `${dir}/server.log`;
  const port = options.port ?? freePort();
  await run(`${bin}/initdb`, [
    "-D",
    data,
    "-U",
    "facerec",
    "--auth=trust",
    "-E",
    "UTF8",
    "--no-locale",
    "--no-sync",
  ], "initdb");
  const start = () =>
    run(`${bin}/pg_ctl`, [
      "-D",
      data,
      "-l",
      logFile,
      "-w",
      "-t",
      "60",
      "-o",
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200`,
      "start",
    ], "pg_ctl start");
  const stop = () => run(`${bin}/pg_ctl`, ["-D", data, "-m", "fast", "-w", "stop"], "pg_ctl stop");
  await start();
  let running = true;
  try {
    // The database the URL names (initdb made only "postgres" and the templates).
    await run(`${bin}/createdb`, [
      "-h",
      "127.0.0.1",
      "-p",
      String(port),
      "-U",
      "facerec",
      "facerec",
    ], "createdb");
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
  return {
    url: `postgres://facerec@127.0.0.1:${port}/facerec`,
    port,
    async stop() {
      if (!running) return;
      await stop();
      running = false;
    },
    async start() {
      if (running) return;
      await start();
      running = true;
    },
    log: () => Deno.readTextFile(logFile).catch(() => ""),
    async [Symbol.asyncDispose]() {
      if (running) await stop().catch(() => {});
      running = false;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
