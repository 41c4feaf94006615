/**
 * Dependency-direction check: every import points down the layer table, or stays inside
 * one folder. It reads the module graph `deno info --json` gives for the entry points
 * (detector.ts, recognizer.ts, client.ts, ui.ts, every script under scripts/, and the worker
 * modules, which nothing imports statically), and exits 1 naming each import edge that
 * runs up or sideways, with its file and line.
 *
 *   deno run --allow-read --allow-run scripts/check_layers.ts
 *
 * The layers, top to bottom (a folder may import any folder of a lower layer):
 *
 *   | layer | folders                                                        |
 *   | ----- | -------------------------------------------------------------- |
 *   | 0     | entry points (detector.ts, recognizer.ts, client.ts, ui.ts),   |
 *   |       | scripts/                                                       |
 *   | 1     | tests/_support/ (the service launcher, used by scripts too)    |
 *   | 2     | lib/cli, lib/client, lib/ui (the web page's server)            |
 *   | 3     | lib/service, lib/evaluation                                    |
 *   | 4     | lib/transport (the socket adapter: dialing and listening)      |
 *   | 5     | lib/protocol, lib/detection, lib/recognition, lib/gallery      |
 *   | 6     | lib/imaging                                                    |
 *   | 7     | wasm/                                                          |
 *   | 8     | lib/core (algorithm list, usage error; it imports nothing)     |
 *
 * lib/evaluation sits beside lib/service rather than with the folders it reads: like the
 * service it composes detection, recognition and imaging, and the two must not depend on
 * each other. lib/transport sits below both lib/client and lib/service, which both call
 * services through it, and above lib/protocol, whose frames it carries. lib/core is the
 * bottom so that every layer may import it: it holds what sibling layers share
 * (lib/protocol and lib/recognition both need the algorithm list; lib/cli and lib/client
 * both raise usage errors). Folders of one layer do not import each other; the exceptions
 * are listed in {@link ALLOWED}, each with the reason. The rest of tests/ is in no layer:
 * nothing in the graph may import it.
 *
 * @module
 */

/** The layer table, top first: a folder may import folders of any later layer. */
export const LAYERS: readonly (readonly string[])[] = [
  ["entry", "scripts"],
  ["tests/_support"],
  ["lib/cli", "lib/client", "lib/ui"],
  ["lib/service", "lib/evaluation"],
  ["lib/transport"],
  ["lib/protocol", "lib/detection", "lib/recognition", "lib/gallery"],
  ["lib/imaging"],
  ["wasm"],
  ["lib/core"],
];

/**
 * Edges the table forbids but the code has, as `from -> to`, with why they are tolerated.
 * None today; an entry is a debt, with a TODO for its removal.
 */
export const ALLOWED: Readonly<Record<string, string>> = {};

/** The part of `deno info --json` this check reads. */
export interface ModuleGraph {
  readonly modules: readonly {
    readonly specifier: string;
    readonly dependencies?: readonly {
      readonly code?: Resolved;
      readonly type?: Resolved;
    }[];
  }[];
}

/** Where one import resolved to, and where it is written. */
export interface Resolved {
  readonly specifier: string;
  readonly span?: { readonly start: { readonly line: number; readonly character: number } };
}

/** One forbidden import. */
export interface Violation {
  /** Importing file, relative to the root, with the import's line (1-based). */
  readonly at: string;
  /** Imported file, relative to the root. */
  readonly imports: string;
  /** Folder of the importer. */
  readonly from: string;
  /** Folder of the imported file. */
  readonly to: string;
  /** Why it is forbidden. */
  readonly reason: string;
}

/**
 * The folder key of a path relative to the root: `entry` for a top-level file, `lib/X` for
 * anything under lib/X/, `tests/_support`, and otherwise the first path segment.
 */
export function folderOf(path: string): string {
  const parts = path.split("/");
  if (parts.length === 1) return "entry";
  if (parts[0] === "lib" && parts.length > 2) return `lib/${parts[1]}`;
  if (parts[0] === "tests" && parts[1] === "_support") return "tests/_support";
  return parts[0]!;
}

/** The layer index of a folder, or -1 when it is in none. */
function layerOf(folder: string, layers: readonly (readonly string[])[]): number {
  return layers.findIndex((layer) => layer.includes(folder));
}

/**
 * Every import edge of `graph` between files under `root` that the layer table forbids,
 * sorted by importer. Imports outside `root` (npm:, node:, remote) are not checked.
 */
export function checkLayers(
  graph: ModuleGraph,
  root: string,
  layers: readonly (readonly string[])[] = LAYERS,
  allowed: Readonly<Record<string, string>> = ALLOWED,
): Violation[] {
  const base = root.endsWith("/") ? root : `${root}/`;
  const inside = (specifier: string) => specifier.startsWith(base);
  const found = new Map<string, Violation>();
  for (const module of graph.modules) {
    if (!inside(module.specifier)) continue;
    const fromPath = module.specifier.slice(base.length);
    const from = folderOf(fromPath);
    for (const dependency of module.dependencies ?? []) {
      for (const target of [dependency.code, dependency.type]) {
        if (!target || !inside(target.specifier)) continue;
        const toPath = target.specifier.slice(base.length);
        const to = folderOf(toPath);
        if (from === to || `${from} -> ${to}` in allowed) continue;
        const [a, b] = [layerOf(from, layers), layerOf(to, layers)];
        let reason: string;
        if (a < 0) reason = `${from} is in no layer`;
        else if (b < 0) reason = `${to} is in no layer`;
        else if (b > a) continue;
        else if (b === a) reason = `sideways: ${from} and ${to} are both in layer ${a}`;
        else reason = `up: ${from} is in layer ${a}, ${to} in layer ${b}`;
        const line = (target.span?.start.line ?? -1) + 1;
        const at = line > 0 ? `${fromPath}:${line}` : fromPath;
        found.set(`${at} ${toPath}`, { at, imports: toPath, from, to, reason });
      }
    }
  }
  return [...found.values()].sort((x, y) => (x.at < y.at ? -1 : x.at > y.at ? 1 : 0));
}

/** The entry points: the programs, every script, and the worker modules. */
async function entryPoints(root: string): Promise<string[]> {
  const roots = ["detector.ts", "recognizer.ts", "client.ts", "ui.ts"];
  const walk = async (dir: string, keep: (name: string) => boolean) => {
    for await (const entry of Deno.readDir(`${root}/${dir}`)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) await walk(path, keep);
      else if (entry.isFile && keep(entry.name)) roots.push(path);
    }
  };
  await walk("scripts", (name) => name.endsWith(".ts"));
  await walk("lib", (name) => name.endsWith("_worker.ts"));
  return roots.sort();
}

/** The union of `deno info --json` over `roots`. */
async function loadGraph(root: string, roots: string[]): Promise<ModuleGraph> {
  const modules = new Map<string, ModuleGraph["modules"][number]>();
  for (const path of roots) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", path],
      cwd: root,
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`deno info ${path} failed: ${new TextDecoder().decode(out.stderr)}`);
    }
    const graph = JSON.parse(new TextDecoder().decode(out.stdout)) as ModuleGraph;
    for (const module of graph.modules) modules.set(module.specifier, module);
  }
  return { modules: [...modules.values()] };
}

async function main(): Promise<void> {
  const root = new URL("../", import.meta.url);
  const rootPath = decodeURIComponent(root.pathname).replace(/\/$/, "");
  const roots = await entryPoints(rootPath);
  const graph = await loadGraph(rootPath, roots);
  const violations = checkLayers(graph, root.href);
  for (const v of violations) {
    console.error(`${v.at}: imports ${v.imports} (${v.from} -> ${v.to}: ${v.reason})`);
  }
  const local = graph.modules.filter((m) => m.specifier.startsWith(root.href)).length;
  if (violations.length > 0) {
    console.error(`check_layers: ${violations.length} import(s) against the layer table`);
    Deno.exit(1);
  }
  console.log(`check_layers: ${local} modules from ${roots.length} entry points, all layered`);
}

if (import.meta.main) await main();
