/**
 * A real browser for the web page's tests and screenshots: Debian's `chromium` (or
 * `$CHROMIUM`), driven by puppeteer-core over the DevTools protocol. `.ci/run` installs
 * chromium; without it the browser tests are skipped with one notice (tests/ui/).
 * @module
 */
/// <reference lib="dom" />
import puppeteer, { type Browser, type Page } from "puppeteer-core";

const CANDIDATES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"];

/** The browser's executable: `$CHROMIUM`, or the first candidate on the PATH; else undefined. */
export function findChromium(): string | undefined {
  const given = Deno.env.get("CHROMIUM");
  if (given) return given;
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    for (const name of CANDIDATES) {
      try {
        if (Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
      } catch { /* not here */ }
    }
  }
  return undefined;
}

/** The executable found at start, if any. */
export const CHROMIUM: string | undefined = findChromium();

/** Starts a headless browser (disposable: closing it twice is safe). */
export async function launchBrowser(
  executablePath: string = CHROMIUM ?? "chromium",
): Promise<Browser & AsyncDisposable> {
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    // The sandbox needs user namespaces, which CI containers running as root lack.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run"],
  });
  let closed: Promise<void> | undefined;
  return Object.assign(browser, {
    [Symbol.asyncDispose]: () => (closed ??= browser.close().catch(() => {})),
  });
}

/** Waits until the page has no API request in flight (it counts them in `body[data-busy]`). */
export async function settled(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => document.body.dataset.busy === "0", { timeout });
}

/** Chooses `paths` in the file input `selector`, as a person picking files does. */
export async function choose(page: Page, selector: string, ...paths: string[]): Promise<void> {
  const field = await page.$(selector);
  if (!field) throw new Error(`no ${selector} on the page`);
  await (field as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(...paths);
}
