/**
 * Starts the real recognizer and detector as child processes on free ports: test support
 * for the end-to-end and robustness tests, which the demo, the benchmarks and the stress
 * run use as well (scripts may import tests/_support/, never the reverse; lib/ imports
 * neither, see scripts/check_layers.ts). Each process prints `NAME listening on HOST:PORT`
 * on stdout once it is ready; that line is awaited.
 * @module
 */

const ROOT = new URL("../../", import.meta.url);

/** A running service process. */
export interface ServiceProcess {
  readonly name: string;
  readonly port: number;
  readonly address: string;
  readonly child: Deno.ChildProcess;
  /** Everything the process wrote to stderr so far (its log). */
  log(): string;
  /** Sends a signal and waits for the exit status. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/**
 * The permission flags of deno.json's task for `name` (`deno task recognizer` ...): the
 * tests run each service exactly as a user does, so a permission the code needs but the task
 * lacks fails here rather than on a user's machine.
 */
export function taskPermissions(name: string): string[] {
  const config = JSON.parse(Deno.readTextFileSync(new URL("deno.json", ROOT))) as {
    tasks?: Record<string, string | { command?: string }>;
  };
  const task = config.tasks?.[name];
  const command = typeof task === "string" ? task : task?.command ?? "";
  const flags = command.split(/\s+/).filter((arg) => arg.startsWith("--allow-"));
  if (flags.length === 0) {
    throw new Error(`deno.json: expected a task ${name} with --allow-* flags, got ${command}`);
  }
  return flags;
}

/** Starts `detector.ts`, `recognizer.ts` or `ui.ts` with `args` and waits for it to listen. */
export async function startService(
  name: "detector" | "recognizer" | "ui",
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<ServiceProcess> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", ...taskPermissions(name), new URL(`${name}.ts`, ROOT).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
    env: options.env,
  });
  const child = command.spawn();
  let stderr = "";
  const decoder = new TextDecoder();
  (async () => {
    for await (const chunk of child.stderr) stderr += decoder.decode(chunk, { stream: true });
  })().catch(() => {});
  const reader = child.stdout.getReader();
  let stdout = "";
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let port = 0;
  while (Date.now() < deadline) {
    const match = /listening on (\S+):(\d+)/.exec(stdout);
    if (match) {
      port = Number(match[2]);
      break;
    }
    let timeoutId: ReturnType<typeof setTimeout> | undefined;
    const timer = new Promise<{ done: true; value: undefined }>((r) => {
      timeoutId = setTimeout(
        () => r({ done: true, value: undefined }),
        Math.max(1, deadline - Date.now()),
      );
    });
    // The timer must not outlive the race: a pending one keeps the caller's process alive.
    const { done, value } = await Promise.race([reader.read(), timer]).finally(() =>
      clearTimeout(timeoutId)
    );
    if (value) stdout += decoder.decode(value, { stream: true });
    if (done && !value) break;
  }
  // Keep draining stdout so the child never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })().catch(() => {});
  if (!port) {
    try {
      child.kill("SIGKILL");
    } catch { /* already gone */ }
    await child.status;
    throw new Error(`${name} did not start:\n${stdout}\n${stderr}`);
  }
  let status: Promise<Deno.CommandStatus> | undefined;
  return {
    name,
    port,
    address: `127.0.0.1:${port}`,
    child,
    log: () => stderr,
    stop(signal: Deno.Signal = "SIGTERM") {
      status ??= (async () => {
        try {
          child.kill(signal);
        } catch { /* already exited */ }
        return await child.status;
      })();
      return status;
    },
  };
}

/** A recognizer and a detector wired together. */
export interface Stack extends AsyncDisposable {
  recognizer: ServiceProcess;
  detector: ServiceProcess;
  dataDir: string;
  /** Restarts the recognizer on the same port and data directory. */
  restartRecognizer(signal?: Deno.Signal): Promise<ServiceProcess>;
}

/** Starts both services with a fresh (or given) data directory. */
export async function startStack(
  options: {
    dataDir?: string;
    workers?: number;
    extraArgs?: string[];
    /** Flags for the detector only (e.g. `--face-detector haar`). */
    detectorArgs?: string[];
    env?: Record<string, string>;
  } = {},
): Promise<Stack> {
  const dataDir = options.dataDir ?? await Deno.makeTempDir({ prefix: "facerec-data-" });
  const common = [
    "--workers",
    String(options.workers ?? 1),
    "--log-level",
    "info",
    ...(options.extraArgs ?? []),
  ];
  let recognizer = await startService("recognizer", ["--port", "0", "--data", dataDir, ...common], {
    env: options.env,
  });
  const detector = await startService(
    "detector",
    ["--port", "0", "--recognizer", recognizer.address, ...common, ...(options.detectorArgs ?? [])],
    { env: options.env },
  );
  const stack: Stack = {
    get recognizer() {
      return recognizer;
    },
    detector,
    dataDir,
    async restartRecognizer(signal: Deno.Signal = "SIGTERM") {
      const port = recognizer.port;
      await recognizer.stop(signal);
      recognizer = await startService("recognizer", [
        "--port",
        String(port),
        "--data",
        dataDir,
        ...common,
      ], { env: options.env });
      return recognizer;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all([detector.stop(), recognizer.stop()]);
      if (!options.dataDir) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
  return stack;
}
