/**
 * Runs nginx's TCP (stream) proxy on the configuration shipped in
 * deploy/nginx/facerec-stream.conf, with its upstream servers and listen port replaced by
 * loopback ones, in a temporary folder: the balancer of the cluster test.
 * @module
 */

const SHIPPED = new URL("../../deploy/nginx/facerec-stream.conf", import.meta.url);
const MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so";

/** The nginx binary, when it and the Debian stream module are installed. */
export function findNginx(): string | undefined {
  for (const path of ["/usr/sbin/nginx", "/usr/bin/nginx"]) {
    try {
      if (Deno.statSync(path).isFile && Deno.statSync(MODULE).isFile) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * The shipped stream block with `upstreams` as its servers and `port` as its listen port:
 * everything else (timeouts, health checks, failover) as shipped.
 */
export async function renderStreamConfig(
  upstreams: readonly string[],
  port: number,
): Promise<string> {
  const shipped = await Deno.readTextFile(SHIPPED);
  const lines = shipped.split("\n");
  const first = lines.findIndex((l) => /^\s*server \S+:\d+ /.test(l));
  if (first < 0) throw new Error(`${SHIPPED.pathname}: no upstream server line found`);
  const template = lines[first]!;
  const servers = upstreams.map((u) => template.replace(/server \S+:\d+/, `server ${u}`));
  const kept = lines.filter((l, i) => i === first || !/^\s*server \S+:\d+ /.test(l));
  const at = kept.indexOf(template);
  kept.splice(at, 1, ...servers);
  const text = kept.join("\n").replace(/^(\s*)listen \d+;/m, `$1listen 127.0.0.1:${port};`);
  if (!text.includes(`listen 127.0.0.1:${port};`)) throw new Error("no listen line found");
  return text;
}

/** Waits until `port` accepts; after 10 s kills `child` and throws `why()`. */
async function listening(
  port: number,
  child: Deno.ChildProcess,
  why: () => Promise<string>,
): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return;
    } catch {
      if (Date.now() > deadline) {
        child.kill("SIGKILL");
        await child.status;
        throw new Error(await why());
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** A running nginx. */
export interface Balancer extends AsyncDisposable {
  readonly port: number;
  readonly address: string;
  /** nginx's error log so far. */
  log(): Promise<string>;
}

/** Starts nginx (in the foreground, as a child) in front of `upstreams`. */
export async function startBalancer(upstreams: readonly string[], port: number): Promise<Balancer> {
  const nginx = findNginx();
  if (!nginx) {
    throw new Error(
      "nginx with the stream module not found (apt-get install nginx libnginx-mod-stream)",
    );
  }
  const dir = await Deno.makeTempDir({ prefix: "facerec-nginx-" });
  const conf = `${dir}/nginx.conf`;
  await Deno.writeTextFile(
    conf,
    `load_module ${MODULE};
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log info;
events { worker_connections 1024; }
${await renderStreamConfig(upstreams, port)}
`,
  );
  const child = new Deno.Command(nginx, {
    args: ["-p", dir, "-c", conf, "-e", `${dir}/error.log`],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = child.stderr.pipeTo(new WritableStream()).catch(() => {});
  const log = () => Deno.readTextFile(`${dir}/error.log`).catch(() => "");
  await listening(port, child, async () => `nginx did not listen on ${port}:\n${await log()}`);
  return {
    port,
    address: `127.0.0.1:${port}`,
    log,
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGQUIT");
      } catch {
        // gone
      }
      await child.status;
      await stderr;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}

const HAPROXY_SHIPPED = new URL("../../deploy/haproxy/haproxy.cfg", import.meta.url);

/** The HAProxy binary, when installed. */
export function findHaproxy(): string | undefined {
  for (const path of ["/usr/sbin/haproxy", "/usr/bin/haproxy"]) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Runs HAProxy on deploy/haproxy/haproxy.cfg with its `server` lines pointed at `upstreams`
 * and its frontend bound to `127.0.0.1:port`: everything else as shipped.
 */
export async function startHaproxy(upstreams: readonly string[], port: number): Promise<Balancer> {
  const haproxy = findHaproxy();
  if (!haproxy) throw new Error("haproxy not found (apt-get install haproxy)");
  const shipped = await Deno.readTextFile(HAPROXY_SHIPPED);
  const lines = shipped.split("\n");
  const first = lines.findIndex((l) => /^\s*server \S+ \S+:\d+/.test(l));
  if (first < 0) throw new Error(`${HAPROXY_SHIPPED.pathname}: no server line found`);
  const servers = upstreams.map((u, i) => `    server detector${i + 1} ${u}`);
  const kept = lines.filter((l, i) => i === first || !/^\s*server \S+ \S+:\d+/.test(l));
  kept.splice(kept.indexOf(lines[first]!), 1, ...servers);
  const text = kept.join("\n").replace(/^(\s*)bind :\d+\s*$/m, `$1bind 127.0.0.1:${port}`);
  if (!text.includes(`bind 127.0.0.1:${port}`)) throw new Error("no bind line found");
  const dir = await Deno.makeTempDir({ prefix: "facerec-haproxy-" });
  const conf = `${dir}/haproxy.cfg`;
  await Deno.writeTextFile(conf, text);
  const check = await new Deno.Command(haproxy, { args: ["-c", "-q", "-f", conf] }).output();
  if (!check.success) {
    throw new Error(
      `haproxy -c refused the shipped configuration:\n${new TextDecoder().decode(check.stderr)}`,
    );
  }
  const child = new Deno.Command(haproxy, {
    args: ["-db", "-f", conf],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const drained = (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of child.stderr) stderr += decoder.decode(chunk, { stream: true });
  })().catch(() => {});
  await listening(
    port,
    child,
    () => Promise.resolve(`haproxy did not listen on ${port}:\n${stderr}`),
  );
  return {
    port,
    address: `127.0.0.1:${port}`,
    log: () => Promise.resolve(stderr),
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGTERM");
      } catch {
        // gone
      }
      await child.status;
      await drained;
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    },
  };
}
