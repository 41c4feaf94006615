/**
 * Expands the client's IMAGE|DIR arguments into a sorted list of image files.
 * @module
 */

/** File extensions the client sends (the detector sniffs the real format from the bytes). */
export const IMAGE_EXTENSIONS = [
  ".jpg",
  ".jpeg",
  ".png",
  ".webp",
  ".gif",
  ".pgm",
  ".ppm",
  ".pnm",
  ".bmp",
  ".tif",
  ".tiff",
];

function isImageName(name: string): boolean {
  const lower = name.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * Files named directly are kept whatever their extension (the user asked for them);
 * directories are walked recursively for image files, in byte-wise sorted order.
 */
export async function collectImages(paths: string[]): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string) => {
    const entries: Deno.DirEntry[] = [];
    for await (const entry of Deno.readDir(dir)) entries.push(entry);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = `${dir.replace(/\/+$/, "")}/${entry.name}`;
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && isImageName(entry.name)) found.push(path);
    }
  };
  for (const path of paths) {
    let info: Deno.FileInfo;
    try {
      info = await Deno.stat(path);
    } catch (error) {
      // The caller words file errors one way for every command; it needs the path.
      if (error instanceof Error) Object.assign(error, { path });
      throw error;
    }
    if (info.isDirectory) await walk(path);
    else found.push(path);
  }
  return found;
}
