/**
 * Regenerates docs/screenshots/*.png: each view of the web page at 1280x800, and Identify
 * at a phone's width, on the real services with the fixtures shipped in the repository.
 * Needs chromium (or `$CHROMIUM`).
 *
 *   deno task screenshots
 *
 * @module
 */
/// <reference lib="dom" />
import type { Page } from "puppeteer-core";
import { decodeImage, encodeRgbPng, rgbaToRgb } from "../lib/imaging/mod.ts";
import { choose, CHROMIUM, launchBrowser, settled } from "../tests/_support/browser.ts";
import { startUiStack } from "../tests/_support/ui_stack.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;
const OUT = new URL("../docs/screenshots/", import.meta.url).pathname;
/** Each screenshot stays under this size, so the README stays light. */
const MAX_BYTES = 290 * 1024;
const crop = (person: string, i: number) => `${FIXTURES}bbt/people/${person}/${person}${i}.png`;

if (!CHROMIUM) {
  console.error("screenshots: chromium not found (apt-get install -y chromium, or set CHROMIUM)");
  Deno.exit(1);
}

/** Waits for the page's requests, then for its images (lazy thumbnails, the photo). */
async function drawn(page: Page): Promise<void> {
  await settled(page, 120_000);
  await page.waitForFunction(() => [...document.images].every((i) => i.complete));
}

/**
 * `png` as it is when small enough, else with fewer levels per channel (6, 5, then 4 bits):
 * a photo on the page makes chromium's lossless PNG several hundred KiB, and the fewer
 * levels barely show in a screenshot.
 */
function shrink(png: Uint8Array): { png: Uint8Array; bits: number } {
  if (png.length <= MAX_BYTES) return { png, bits: 8 };
  const rgb = rgbaToRgb(decodeImage(png));
  let smaller = png;
  for (const bits of [6, 5, 4]) {
    const drop = 8 - bits;
    // Keep the top bits and repeat them below, so that white stays 255.
    const data = rgb.data.map((v) => ((v >> drop) << drop) | (v >> bits));
    smaller = encodeRgbPng({ width: rgb.width, height: rgb.height, data });
    if (smaller.length <= MAX_BYTES) return { png: smaller, bits };
  }
  return { png: smaller, bits: 4 };
}

async function shoot(page: Page, name: string): Promise<void> {
  await drawn(page);
  const { png, bits } = shrink(await page.screenshot({ type: "png" }));
  await Deno.writeFile(`${OUT}${name}.png`, png);
  const note = bits < 8 ? `, ${bits} bits per channel` : "";
  console.log(`wrote docs/screenshots/${name}.png (${Math.round(png.length / 1024)} KiB${note})`);
}

await Deno.mkdir(OUT, { recursive: true });
await using system = await startUiStack();
await using browser = await launchBrowser();
const page = await browser.newPage();
await page.setViewport({ width: 1280, height: 800 });
const base = system.url;

// Most people are enrolled through the API; one through the page, to show its report.
for (const person of ["amy", "bernadette", "howard", "leonard", "raj", "sheldon", "stuart"]) {
  for (const i of [1, 2, 3, 4]) {
    const response = await fetch(`${base}api/enroll?name=${person}`, {
      method: "POST",
      body: Deno.readFileSync(crop(person, i)),
    });
    if (!response.ok) throw new Error(`enroll ${person}: ${await response.text()}`);
    await response.body?.cancel();
  }
}
await page.goto(`${base}#people`);
await drawn(page);
await page.type("#enroll-name", "penny");
await choose(
  page,
  "#enroll-files",
  ...[1, 2, 3, 4].map((i) => crop("penny", i)),
  `${FIXTURES}no_face/HappyFish.jpg`,
);
await page.click("#enroll-submit");
await page.waitForFunction(() =>
  document.getElementById("enroll-count")?.textContent?.includes("5 / 5:")
);
await drawn(page);
await page.click('li[data-name="amy"] .actions button:nth-child(2)');
await page.waitForSelector('li[data-name="amy"] .thumb img');
await shoot(page, "people");

await page.goto(`${base}#identify`);
await drawn(page);
await choose(page, "#identify-file", `${FIXTURES}bbt/bbt2.jpg`);
await page.waitForSelector("#identify-result:not([hidden]) .face-box");
await shoot(page, "identify");

await page.goto(`${base}#verify`);
await drawn(page);
await choose(page, "#verify-file-a", crop("amy", 5));
await choose(page, "#verify-file-b", crop("amy", 4));
await page.click("#verify-submit");
await page.waitForSelector("#verify-result:not([hidden])");
await shoot(page, "verify");

await page.goto(`${base}#status`);
await page.waitForSelector("#status-models tbody tr");
await shoot(page, "status");

await page.setViewport({ width: 390, height: 844, isMobile: true, deviceScaleFactor: 1 });
await page.goto(`${base}#identify`);
await drawn(page);
await choose(page, "#identify-file", `${FIXTURES}bbt/bbt2.jpg`);
await page.waitForSelector("#identify-result:not([hidden]) .face-box");
await shoot(page, "identify-phone");
