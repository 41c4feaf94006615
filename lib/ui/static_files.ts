/**
 * The page itself: the files of `static/`, read once at start and served from memory, so
 * that nothing outside them is ever reachable by a URL.
 * @module
 */

const TYPES: Readonly<Record<string, string>> = {
  html: "text/html; charset=utf-8",
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  svg: "image/svg+xml",
};

/** The page's files, by URL path (`/` is index.html). */
export type StaticFiles = ReadonlyMap<string, { type: string; body: Uint8Array<ArrayBuffer> }>;

/** Reads every file of `dir` (not its sub-folders) that has a known type. */
export async function loadStaticFiles(
  dir: URL = new URL("./static/", import.meta.url),
): Promise<StaticFiles> {
  const files = new Map<string, { type: string; body: Uint8Array<ArrayBuffer> }>();
  for await (const entry of Deno.readDir(dir)) {
    const type = TYPES[entry.name.split(".").pop() ?? ""];
    if (!entry.isFile || !type) continue;
    const body = await Deno.readFile(new URL(entry.name, dir));
    files.set(`/${entry.name}`, { type, body });
    if (entry.name === "index.html") files.set("/", { type, body });
  }
  if (!files.has("/")) throw new Error(`the page is missing: no index.html in ${dir.pathname}`);
  return files;
}
