/**
 * The name rules and the list order that docs/PROTOCOL.md §11.1 and §11.2 promise, checked
 * against the code: the page's list of trimmed characters is read from the page itself.
 * @module
 */
import assert from "node:assert/strict";
import { Gallery, GalleryError, nameKey, normalizeName } from "../../lib/gallery/mod.ts";

const SPEC = await Deno.readTextFile(new URL("../../docs/PROTOCOL.md", import.meta.url));

/** The code points that §11.1 step 2 lists as trimmed. */
function documentedTrim(): Set<number> {
  const names = SPEC.slice(SPEC.indexOf("### 11.1 Names"));
  const step = names.slice(names.indexOf("2. **Trimming**"), names.indexOf("3. **Refusal**"));
  const listed = step.slice(0, step.indexOf("That is")).replaceAll(/\s+/g, " ");
  const points = new Set<number>();
  for (const [, from, to] of listed.matchAll(/U\+([0-9A-F]{4,6})(?:–U\+([0-9A-F]{4,6}))?/g)) {
    const start = parseInt(from!, 16), end = parseInt(to ?? from!, 16);
    for (let cp = start; cp <= end; cp++) points.add(cp);
  }
  assert.ok(points.size > 20, `read only ${points.size} code points from §11.1`);
  return points;
}

const refused = (name: string) => {
  try {
    normalizeName(name);
    return false;
  } catch (error) {
    if (error instanceof GalleryError && error.code === "invalid_name") return true;
    throw error;
  }
};

Deno.test("normalizeName() trims exactly the characters PROTOCOL.md §11.1 lists, BOM included", () => {
  const trimmed = new Set<number>();
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    if (!refused(`${c}x${c}`) && normalizeName(`${c}x${c}`) === "x") trimmed.add(cp);
  }
  assert.deepEqual([...trimmed].sort((a, b) => a - b), [...documentedTrim()].sort((a, b) => a - b));
  // What the page says around the list.
  assert.ok(trimmed.has(0xfeff), "a byte-order mark is trimmed");
  assert.ok(!trimmed.has(0x85) && refused("\u0085Ada"), "NEL is not trimmed but refused");
});

Deno.test("normalizeName() applies NFC before trimming and keeps a BOM inside the name", () => {
  // U+2000 (EN QUAD) is U+2002 once NFC-normalised: trimmed either way.
  assert.equal(normalizeName("\u2000Zoe\u0301\u2000"), "Zo\u00e9");
  assert.equal(normalizeName("\ufeffAda\ufeffLovelace\ufeff"), "Ada\ufeffLovelace");
  for (const bad of ["a\u2028b", "a\u009fb", "a\u007fb", "\u0000", "x".repeat(129)]) {
    assert.ok(refused(bad), JSON.stringify(bad));
  }
  assert.ok(!refused("é".repeat(64)), "128 UTF-8 bytes is the limit, not 128 characters");
  assert.ok(refused("é".repeat(65)));
});

Deno.test("nameKey() makes one person of the spellings PROTOCOL.md §11.1 names", () => {
  const key = (name: string) => nameKey(normalizeName(name));
  assert.equal(key("Ada"), key("ADA"));
  assert.equal(key("ada"), key("ADA"));
  assert.equal(key("Strauß"), key("STRAUSS"));
  assert.equal(key("Zoé"), key("ZOE\u0301"));
  assert.notEqual(key("Ada"), key("Ada Lovelace"));
});

Deno.test("Gallery.listPeople() orders people by the UTF-8 bytes of their stored spelling", () => {
  using gallery = Gallery.open(":memory:");
  const face = (seed: number) => ({
    width: 2,
    height: 2,
    pixels: new Uint8Array([seed, seed + 1, seed + 2, seed + 3]),
  });
  // Code point order; JavaScript's default (UTF-16) sort would put 😀 (D83D DE00) before Ａ (FF21).
  const names = ["ada lovelace", "Zoë", "\u{1F600}", "Ada", "\uFF21x", "Émile"];
  names.forEach((name, i) => gallery.addFaces(name, [face(i * 4)]));
  const listed = gallery.listPeople().map((p) => p.name);
  assert.deepEqual(listed, [...names].sort(byUtf8));
  assert.deepEqual(listed, ["Ada", "Zoë", "ada lovelace", "Émile", "\uFF21x", "\u{1F600}"]);
  assert.notDeepEqual(listed, [...names].sort(), "not UTF-16 code-unit order");
  assert.notDeepEqual(listed, [...names].sort(), "UTF-16 order differs here");
});

function byUtf8(a: string, b: string): number {
  const [x, y] = [new TextEncoder().encode(a), new TextEncoder().encode(b)];
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
