/**
 * Hand-written SVG charts for docs/BENCHMARKS.md: horizontal bars and log-x lines. No
 * library; plain strings with escaped text.
 * @module
 */

const COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#b07aa1"];
const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const num = (
  x: number,
) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

/** One bar: its label and value. */
export interface Bar {
  label: string;
  value: number;
  /** Index into the colour palette (series). */
  series?: number;
}

/** Horizontal bars, one per row, with an optional vertical reference line (e.g. 1.0x). */
export function barChart(o: {
  title: string;
  bars: Bar[];
  unit: string;
  reference?: { value: number; label: string };
  legend?: string[];
  /** Bars longer than this are cut (marked with a break); their label keeps the value. */
  clipAt?: number;
}): string {
  const rowH = 22, left = 230, width = 760, right = 70, top = 40;
  const legendH = o.legend ? 22 : 0;
  const height = top + legendH + o.bars.length * rowH + 40;
  const longest = Math.max(...o.bars.map((b) => b.value), o.reference?.value ?? 0);
  const max = Math.min(longest, o.clipAt ?? Infinity) * 1.05 || 1;
  const x = (v: number) => left + (v / max) * (width - left - right);
  const parts: string[] = svgOpening(width, height, o.title);
  o.legend?.forEach((name, i) => {
    const lx = left + i * 150;
    parts.push(
      `<rect x="${lx}" y="${top - 4}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`,
      `<text x="${lx + 16}" y="${top + 6}">${esc(name)}</text>`,
    );
  });
  o.bars.forEach((b, i) => {
    const y = top + legendH + i * rowH;
    const color = COLORS[(b.series ?? 0) % COLORS.length];
    const clipped = o.clipAt !== undefined && b.value > o.clipAt;
    const end = x(clipped ? max : b.value);
    parts.push(
      `<text x="${left - 6}" y="${y + 15}" text-anchor="end">${esc(b.label)}</text>`,
      `<rect x="${left}" y="${y + 3}" width="${Math.max(1, end - left).toFixed(1)}" ` +
        `height="${rowH - 6}" fill="${color}"/>`,
      `<text x="${(end + 4).toFixed(1)}" y="${y + 15}">${num(b.value)}${
        clipped ? " (cut)" : ""
      }</text>`,
    );
    if (clipped) {
      parts.push(
        `<line x1="${(end - 14).toFixed(1)}" y1="${y + 1}" x2="${(end - 20).toFixed(1)}" ` +
          `y2="${y + rowH - 1}" stroke="white" stroke-width="3"/>`,
      );
    }
  });
  const axisY = top + legendH + o.bars.length * rowH;
  parts.push(
    `<line x1="${left}" y1="${top + legendH}" x2="${left}" y2="${axisY}" stroke="#333"/>`,
    `<text x="${(left + width - right) / 2}" y="${axisY + 28}" text-anchor="middle">${
      esc(o.unit)
    }</text>`,
  );
  if (o.reference) {
    const rx = x(o.reference.value).toFixed(1);
    parts.push(
      `<line x1="${rx}" y1="${top + legendH - 2}" x2="${rx}" y2="${axisY + 4}" stroke="#c00" ` +
        `stroke-dasharray="4 3"/>`,
      `<text x="${rx}" y="${axisY + 16}" text-anchor="middle" fill="#c00">${
        esc(o.reference.label)
      }</text>`,
    );
  }
  parts.push("</svg>\n");
  return parts.join("\n");
}

/** One line of a line chart. */
export interface Series {
  name: string;
  values: (number | undefined)[];
}

/** Lines over a logarithmic x axis (e.g. gallery size) and a logarithmic y axis. */
export function lineChart(o: {
  title: string;
  xs: number[];
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Horizontal dashed target lines. */
  targets?: { value: number; label: string }[];
}): string {
  const width = 760, height = 420, left = 70, right = 150, top = 40, bottom = 50;
  const all = o.series.flatMap((s) => s.values.filter((v): v is number => v !== undefined && v > 0))
    .concat((o.targets ?? []).map((t) => t.value));
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...all))),
    yMax = 10 ** Math.ceil(Math.log10(Math.max(...all)));
  const xMin = Math.min(...o.xs), xMax = Math.max(...o.xs);
  const x = (v: number) =>
    left + (Math.log(v / xMin) / Math.log(xMax / xMin || 10)) * (width - left - right);
  const y = (v: number) =>
    top + (1 - Math.log(v / yMin) / Math.log(yMax / yMin || 10)) * (height - top - bottom);
  const parts: string[] = svgOpening(width, height, o.title);
  for (let v = yMin; v <= yMax * 1.0001; v *= 10) {
    parts.push(
      `<line x1="${left}" y1="${y(v).toFixed(1)}" x2="${width - right}" y2="${
        y(v).toFixed(1)
      }" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${v}</text>`,
    );
  }
  for (const v of o.xs) {
    parts.push(
      `<line x1="${x(v).toFixed(1)}" y1="${top}" x2="${x(v).toFixed(1)}" y2="${
        height - bottom
      }" stroke="#eee"/>`,
      `<text x="${x(v).toFixed(1)}" y="${height - bottom + 16}" text-anchor="middle">${
        v.toLocaleString("en-US")
      }</text>`,
    );
  }
  parts.push(
    `<text x="${(left + width - right) / 2}" y="${height - 12}" text-anchor="middle">${
      esc(o.xLabel)
    }</text>`,
    `<text x="16" y="${(top + height - bottom) / 2}" text-anchor="middle" ` +
      `transform="rotate(-90 16 ${(top + height - bottom) / 2})">${esc(o.yLabel)}</text>`,
  );
  for (const t of o.targets ?? []) {
    parts.push(
      `<line x1="${left}" y1="${y(t.value).toFixed(1)}" x2="${width - right}" y2="${
        y(t.value).toFixed(1)
      }" stroke="#c00" stroke-dasharray="4 3"/>`,
      `<text x="${width - right - 4}" y="${(y(t.value) - 4).toFixed(1)}" text-anchor="end" ` +
        `fill="#c00">${esc(t.label)}</text>`,
    );
  }
  o.series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const points = o.xs.flatMap((xv, j) => {
      const v = s.values[j];
      return v === undefined || v <= 0 ? [] : [[x(xv), y(v)] as const];
    });
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${
        points.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ")
      }"/>`,
      ...points.map(([px, py]) =>
        `<circle cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="3" fill="${color}"/>`
      ),
      `<rect x="${width - right + 8}" y="${
        top + 10 + i * 18
      }" width="12" height="3" fill="${color}"/>`,
      `<text x="${width - right + 24}" y="${top + 15 + i * 18}">${esc(s.name)}</text>`,
    );
  });
  parts.push("</svg>\n");
  return parts.join("\n");
}

/** The opening of every chart: the root element, a white background and the title. */
function svgOpening(width: number, height: number, title: string): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${
      esc(title)
    }</text>`,
  ];
}
