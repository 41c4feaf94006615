/// <reference lib="dom" />
/**
 * The web page in a real browser (chromium through puppeteer-core), on the real services:
 * enroll by file upload, identify with boxes checked against the API's JSON, the
 * threshold, the annotated download, verify, rename, thumbnails and removing one face,
 * forget with its confirmation, status, and readable
 * errors for a bad file and for services that are down. It runs on the fixtures shipped in
 * the repository; without chromium it is skipped with one notice.
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { choose, CHROMIUM, launchBrowser, settled } from "../_support/browser.ts";
import { sideBySide } from "../_support/compose.ts";
import { startUiStack } from "../_support/ui_stack.ts";

const FIXTURES = new URL("../../fixtures/bbt/people/", import.meta.url).pathname;
const crop = (person: string, i: number) => `${FIXTURES}${person}/${person}${i}.png`;
const PEOPLE = ["amy", "sheldon"];

if (!CHROMIUM) {
  console.error(
    "note: chromium not found (apt-get install -y chromium, or set CHROMIUM); " +
      "the web page's browser tests are skipped",
  );
}

/** The text of the visible alert of `view`, or null when none is shown. */
function alertText(page: Page, view: string): Promise<string | null> {
  return page.$eval(
    `#view-${view} .error`,
    (e) => (e as HTMLElement).hidden ? null : e.textContent,
  );
}

/** Opens `view` and waits for its requests. */
async function open(page: Page, base: string, view: string): Promise<void> {
  await page.goto(`${base}#${view}`);
  await page.waitForSelector(`#view-${view}:not([hidden])`);
  await settled(page);
}

Deno.test({
  name: "the web page enrolls, identifies, verifies, renames, forgets and shows errors in chromium",
  ignore: !CHROMIUM,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using system = await startUiStack();
    await using browser = await launchBrowser();
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    // The whole suite runs in parallel on a small machine: give each wait room.
    page.setDefaultTimeout(90_000);
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    const base = system.url;
    const tmp = await Deno.makeTempDir({ prefix: "facerec-ui-test-" });

    await t.step("the page opens on People with nobody enrolled and no error", async () => {
      await open(page, base, "people");
      assert.equal(await alertText(page, "people"), null);
      assert.equal(await page.$eval("#people-empty", (e) => (e as HTMLElement).hidden), false);
    });

    await t.step("enroll by file upload stores two people, reporting each image", async () => {
      for (const person of PEOPLE) {
        await page.$eval("#enroll-name", (e) => ((e as HTMLInputElement).value = ""));
        await page.type("#enroll-name", person);
        await choose(page, "#enroll-files", crop(person, 1), crop(person, 2), crop(person, 3));
        await page.click("#enroll-submit");
        await page.waitForFunction(
          () => document.getElementById("enroll-count")?.textContent?.includes("3 / 3:"),
          { timeout: 120_000 },
        );
        await settled(page);
        const outcomes = await page.$$eval(
          "#enroll-outcomes li",
          (items) => items.map((li) => (li as HTMLElement).dataset.outcome),
        );
        assert.deepEqual(outcomes, ["stored", "stored", "stored"], person);
        assert.equal(
          await page.$eval("#enroll-progress", (e) => (e as HTMLProgressElement).value),
          3,
        );
      }
      const people = await page.$$eval(
        "#people-list li",
        (items) =>
          items.map((li) => [(li as HTMLElement).dataset.name, (li as HTMLElement).dataset.faces]),
      );
      assert.deepEqual(people, [["amy", "3"], ["sheldon", "3"]]);
    });

    await t.step("dropping a photo on the enroll area sends it like a chosen one", async () => {
      const bytes = [...Deno.readFileSync(crop("amy", 1))];
      await page.$eval("#enroll-name", (e) => ((e as HTMLInputElement).value = ""));
      await page.type("#enroll-name", "amy");
      await page.$eval("#enroll-drop", (zone, data) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(data)], "dropped.png", { type: "image/png" }));
        zone.dispatchEvent(new DragEvent("drop", { dataTransfer: transfer, bubbles: true }));
      }, bytes);
      await page.waitForFunction(() =>
        document.getElementById("enroll-selected")?.textContent?.includes("dropped.png")
      );
      await page.click("#enroll-submit");
      await page.waitForFunction(() =>
        document.getElementById("enroll-count")?.textContent?.includes("1 / 1:")
      );
      await settled(page);
      // The same face again: not stored twice.
      assert.deepEqual(
        await page.$$eval(
          "#enroll-outcomes li",
          (l) => l.map((e) => (e as HTMLElement).dataset.outcome),
        ),
        ["duplicate"],
      );
    });

    const group = `${tmp}/two.jpg`;
    const groupBytes = sideBySide([
      Deno.readFileSync(crop("amy", 5)),
      Deno.readFileSync(crop("sheldon", 5)),
    ]);
    Deno.writeFileSync(group, groupBytes);

    await t.step("identify draws a box over each face where the JSON puts it", async () => {
      await open(page, base, "identify");
      await choose(page, "#identify-file", group);
      await page.waitForSelector("#identify-result:not([hidden]) .face-box");
      await settled(page);
      await page.waitForFunction(() =>
        (document.getElementById("identify-image") as HTMLImageElement).complete
      );
      const response = await fetch(`${base}api/identify`, { method: "POST", body: groupBytes });
      assert.equal(response.status, 200);
      const json = await response.json();
      assert.equal(json.faces.length, 2);
      const drawn = await page.evaluate(() => {
        const image = document.getElementById("identify-image")!.getBoundingClientRect();
        return [...document.querySelectorAll<HTMLElement>("#identify-boxes .face-box")].map(
          (box) => {
            const r = box.getBoundingClientRect();
            return {
              data: {
                x: Number(box.dataset.x),
                y: Number(box.dataset.y),
                width: Number(box.dataset.width),
                height: Number(box.dataset.height),
              },
              name: box.dataset.name,
              label: box.textContent,
              // Where it is on screen, relative to the photo, in screen pixels.
              screen: [r.left - image.left, r.top - image.top, r.width, r.height],
              scale: image.width,
            };
          },
        );
      });
      assert.equal(drawn.length, 2);
      const expected = json.faces.map((f: { box: unknown; name: string }) => ({
        box: f.box,
        name: f.name,
      }));
      assert.deepEqual(drawn.map((d) => ({ box: d.data, name: d.name })), expected);
      assert.deepEqual(drawn.map((d) => d.name).sort(), PEOPLE);
      for (const d of drawn) {
        // The box on screen is the JSON box scaled to the photo's displayed size.
        const k = d.scale / json.image.width;
        const want = [d.data.x, d.data.y, d.data.width, d.data.height].map((v) => v * k);
        d.screen.forEach((v, i) =>
          assert.ok(Math.abs(v - want[i]!) < 2, `${d.name}: ${v} vs ${want[i]}`)
        );
        assert.ok(d.label?.includes(d.name!));
      }
      // Each face lists its nearest candidates with their distances.
      const rows = await page.$$eval("#identify-faces li tr", (trs) => trs.length);
      assert.ok(rows >= 2 * 3, `candidate rows: ${rows}`); // a header and two people, per face
    });

    await t.step(
      "the threshold slider marks the default and is sent with the request",
      async () => {
        const shown = await page.$eval("#identify-threshold-value", (e) => e.textContent);
        assert.match(shown ?? "", /\(default\)/);
        assert.match(
          await page.$eval("#identify-default option", (e) => (e as HTMLOptionElement).label),
          /default/,
        );
        await page.$eval("#identify-threshold", (e) => {
          const slider = e as HTMLInputElement;
          slider.value = "0";
          slider.dispatchEvent(new Event("input"));
          slider.dispatchEvent(new Event("change"));
        });
        await page.waitForFunction(() =>
          [...document.querySelectorAll<HTMLElement>(".face-box")].every((b) =>
            b.dataset.name === ""
          )
        );
        await page.click("#identify-reset");
        await page.waitForFunction(() =>
          [...document.querySelectorAll<HTMLElement>(".face-box")].every((b) =>
            b.dataset.name !== ""
          )
        );
        await settled(page);
      },
    );

    await t.step("the annotated image downloads as a PNG of the photo's size", async () => {
      const cdp = await page.createCDPSession();
      await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: tmp });
      await page.click("#identify-download");
      const file = `${tmp}/two-annotated.png`;
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        try {
          if (Deno.statSync(file).size > 0) break;
        } catch { /* not yet */ }
        await new Promise((r) => setTimeout(r, 100));
      }
      const png = Deno.readFileSync(file);
      assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
      const view = new DataView(png.buffer, png.byteOffset);
      assert.deepEqual([view.getUint32(16), view.getUint32(20)], [420, 230]);
    });

    await t.step("verify shows two photos side by side with the verdict and distance", async () => {
      await open(page, base, "verify");
      const compare = async (a: string, b: string) => {
        await choose(page, "#verify-file-a", a);
        await choose(page, "#verify-file-b", b);
        await page.click("#verify-submit");
        await page.waitForSelector("#verify-result:not([hidden])");
        await settled(page);
        return await page.$eval("#verify-result", (e) => ({
          same: (e as HTMLElement).dataset.same,
          distance: Number((e as HTMLElement).dataset.distance),
          text: e.textContent,
        }));
      };
      const same = await compare(crop("amy", 4), crop("amy", 5));
      assert.equal(same.same, "true", same.text ?? "");
      assert.match(same.text ?? "", /Same person.*distance 0\.\d{3}/);
      const different = await compare(crop("amy", 4), crop("sheldon", 4));
      assert.equal(different.same, "false", different.text ?? "");
      assert.match(different.text ?? "", /Different people/);
      assert.ok(different.distance > same.distance);
      const previews = await page.$$eval(
        ".pair img.preview",
        (imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth),
      );
      assert.deepEqual(previews, [150, 150]);
      assert.equal(await alertText(page, "verify"), null);
    });

    await t.step("rename, thumbnails and removing one face work from People", async () => {
      await open(page, base, "people");
      await page.waitForFunction(() =>
        (document.querySelector('li[data-name="amy"] img.avatar') as HTMLImageElement | null)
          ?.naturalWidth === 150
      );
      await page.click('li[data-name="sheldon"] .actions button:first-child');
      await page.waitForSelector("#dialog[open]");
      await page.$eval("#dialog-input", (e) => ((e as HTMLInputElement).value = ""));
      await page.type("#dialog-input", "Sheldon Cooper");
      await page.click("#dialog-ok");
      await page.waitForSelector('li[data-name="Sheldon Cooper"]');
      await settled(page);
      assert.equal(await page.$('li[data-name="sheldon"]'), null);

      await page.click('li[data-name="amy"] .actions button:nth-child(2)');
      await page.waitForFunction(() =>
        document.querySelectorAll('li[data-name="amy"] .thumb img').length === 3
      );
      const sources = await page.$$eval(
        'li[data-name="amy"] .thumb img',
        (imgs) => imgs.map((i) => (i as HTMLImageElement).src.slice(0, 22)),
      );
      assert.deepEqual(sources, Array(3).fill("data:image/png;base64,"));
      await page.click('li[data-name="amy"] .thumb button');
      await page.waitForSelector("#dialog[open]");
      await page.click("#dialog-ok");
      await page.waitForSelector('li[data-name="amy"][data-faces="2"]');
      await page.waitForFunction(() =>
        document.querySelectorAll('li[data-name="amy"] .thumb img').length === 2
      );
      await settled(page);
      assert.equal(await alertText(page, "people"), null);
    });

    await t.step("a file that is not an image shows a readable error", async () => {
      const bad = `${tmp}/notes.jpg`;
      Deno.writeTextFileSync(bad, "these are my notes, not a photo\n");
      await choose(page, "#identify-file", bad);
      await page.waitForFunction(() =>
        !(document.querySelector("#view-identify .error") as HTMLElement).hidden
      );
      const message = await alertText(page, "identify");
      assert.match(message ?? "", /expected a JPEG, PNG/);
      assert.doesNotMatch(message ?? "", /at .*\.ts:\d+/); // no stack trace
      assert.ok(
        await page.$eval("#identify-result", (e) => (e as HTMLElement).hidden),
        "the last photo's result is not left beside the error",
      );

      await open(page, base, "people");
      await page.type("#enroll-name", "amy");
      await choose(page, "#enroll-files", bad);
      await page.click("#enroll-submit");
      await page.waitForFunction(() =>
        document.getElementById("enroll-count")?.textContent?.includes("1 / 1:")
      );
      const outcome = await page.$eval("#enroll-outcomes li", (li) => li.textContent);
      assert.match(outcome ?? "", /notes\.jpg: /);
      assert.match(outcome ?? "", /not a readable image|expected a JPEG/);
      await settled(page);
    });

    await t.step("forget asks for confirmation and then removes the person", async () => {
      await open(page, base, "people");
      const forget = 'li[data-name="Sheldon Cooper"] button.danger';
      await page.click(forget);
      await page.waitForSelector("#dialog[open]");
      assert.match(await page.$eval("#dialog-text", (e) => e.textContent ?? ""), /Sheldon Cooper/);
      await page.click('#dialog button[value="cancel"]');
      await page.waitForSelector("#dialog:not([open])");
      await settled(page);
      assert.ok(await page.$('li[data-name="Sheldon Cooper"]'));
      await page.click(forget);
      await page.waitForSelector("#dialog[open]");
      await page.click("#dialog-ok");
      await page.waitForFunction(() => !document.querySelector('li[data-name="Sheldon Cooper"]'));
      await settled(page);
      const names = await page.$$eval(
        "#people-list li",
        (l) => l.map((e) => (e as HTMLElement).dataset.name),
      );
      assert.deepEqual(names, ["amy"]);
    });

    await t.step("status shows the version, counts and each model with its reason", async () => {
      await open(page, base, "status");
      const summary = await page.$$eval(
        "#status-summary dd",
        (dds) =>
          Object.fromEntries(dds.map((d) => [(d as HTMLElement).dataset.key, d.textContent])),
      );
      assert.match(summary.version ?? "", /^\d+\.\d+\.\d+/);
      assert.match(summary.ui_version ?? "", /^\d+\.\d+\.\d+/);
      assert.equal(summary.people, "1");
      assert.equal(summary.faces, "2");
      const models = await page.$$eval(
        "#status-models tbody tr",
        (trs) => trs.map((tr) => [...tr.children].map((td) => td.textContent)),
      );
      assert.deepEqual(models.map((m) => m[0]), ["dnn", "eigen", "fisher", "lbph"]);
      assert.equal(models[0]![1], "ready");
      // One person: the classic subspace models cannot be trained, and say why.
      const fisher = models.find((m) => m[0] === "fisher")!;
      assert.equal(fisher[1], "unavailable");
      assert.match(fisher[4] ?? "", /needs 2 people/);
    });

    await t.step("every view fits a phone-width window and a 1280x800 one", async () => {
      for (const width of [390, 1280]) {
        await page.setViewport({ width, height: width === 390 ? 844 : 800 });
        for (const view of ["people", "identify", "verify", "status"]) {
          await open(page, base, view);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
          assert.ok(overflow <= width, `${view} at ${width}px is ${overflow}px wide`);
          assert.ok(
            await page.$eval("nav", (n) => n.getBoundingClientRect().bottom < 200),
            `${view} at ${width}px: the views' links are on screen`,
          );
        }
      }
    });

    await t.step("services that are down show a message, not a blank page", async () => {
      await system.stack.detector.stop();
      await page.click("#status-refresh");
      await page.waitForFunction(() =>
        !(document.querySelector("#view-status .error") as HTMLElement).hidden
      );
      assert.match(await alertText(page, "status") ?? "", /unavailable/i);
      await open(page, base, "people");
      assert.match(await alertText(page, "people") ?? "", /unavailable/i);
    });

    assert.deepEqual(pageErrors, [], "no uncaught errors on the page");
    await Deno.remove(tmp, { recursive: true });
  },
});
