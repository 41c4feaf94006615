// The facerec web page: four views over the UI server's JSON API (docs/UI.md). Plain
// JavaScript, no build step and no dependencies. Every request's failure ends up as a
// readable message in the view's alert, never as a blank page.

/** @typedef {{ x: number, y: number, width: number, height: number }} Box */
/** @typedef {{ name: string, distance: number | null }} Candidate */
/**
 * @typedef {{ box: Box, score: number | null, name: string | null, distance: number | null,
 *   algorithm: string, threshold: number, candidates: Candidate[] }} Face
 */
/** @typedef {{ faces: Face[], image: { width: number, height: number } }} IdentifyResult */
/**
 * @typedef {{ algorithm: string, state: string, faces: number, threshold: number | null,
 *   message: string | null }} Model
 */

const VIEWS = ["people", "identify", "verify", "status"];

/** @param {string} id */
const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
/** @param {string} id */
const input = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

/**
 * Makes an element with text and attributes.
 * @param {string} tag
 * @param {Record<string, string>} [attrs]
 * @param {(Node | string)[]} [children]
 */
function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

// ------------------------------------------------------------------ requests and errors

/** The API's failure, with the message to show. */
class ApiError extends Error {
  /** @param {string} message @param {string} status @param {number} httpStatus */
  constructor(message, status, httpStatus) {
    super(message);
    this.status = status;
    this.httpStatus = httpStatus;
  }
}

let busy = 0;
/** @param {number} delta */
function setBusy(delta) {
  busy += delta;
  document.body.dataset.busy = String(busy);
}

/**
 * Calls the API and returns its JSON, or throws an {@link ApiError} with a message for a
 * person.
 * @param {string} path
 * @param {RequestInit} [init]
 * @returns {Promise<any>}
 */
async function api(path, init = {}) {
  setBusy(1);
  try {
    let response;
    try {
      response = await fetch(path, init);
    } catch {
      throw new ApiError(
        "The UI server cannot be reached. Is `deno task ui` still running?",
        "unavailable",
        0,
      );
    }
    let body;
    try {
      body = await response.json();
    } catch {
      throw new ApiError(
        `The UI server answered ${response.status} ${response.statusText} without JSON.`,
        "internal",
        response.status,
      );
    }
    if (!response.ok) {
      const error = body && body.error ? body.error : {};
      throw new ApiError(
        error.message || `request failed with ${response.status}`,
        error.status || "error",
        response.status,
      );
    }
    return body;
  } finally {
    setBusy(-1);
  }
}

/** The message for a failure, with a hint for the common ones. @param {unknown} error */
function describe(error) {
  if (error instanceof ApiError) {
    if (error.status === "unavailable") return `Service unavailable: ${error.message}`;
    if (error.status === "tooLarge") return `Too large: ${error.message}`;
    if (error.status === "unknownOperation") {
      return `This detector does not support that yet: ${error.message}`;
    }
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

/** @param {string} view */
function alertOf(view) {
  return /** @type {HTMLElement} */ ($(`view-${view}`).querySelector(".error"));
}
/** @param {string} view @param {unknown} error */
function showError(view, error) {
  const box = alertOf(view);
  box.textContent = describe(error);
  box.hidden = false;
}
/** @param {string} view */
function clearError(view) {
  const box = alertOf(view);
  box.hidden = true;
  box.textContent = "";
}

/**
 * Runs `task`, showing its failure in `view`'s alert.
 * @param {string} view
 * @param {() => Promise<void>} task
 */
async function guarded(view, task) {
  clearError(view);
  try {
    await task();
  } catch (error) {
    showError(view, error);
  }
}

/** A distance as the client prints it. @param {number | null} d */
function formatDistance(d) {
  if (d === null || d === undefined) return "none";
  return d < 10 ? d.toFixed(3) : d.toFixed(1);
}

// ------------------------------------------------------------------ the dialog

/**
 * Asks a question; resolves to the text typed (when `value` is given) or "" on OK, and
 * null on Cancel.
 * @param {string} text
 * @param {{ ok?: string, value?: string, danger?: boolean }} [options]
 * @returns {Promise<string | null>}
 */
function ask(text, options = {}) {
  const dialog = /** @type {HTMLDialogElement} */ ($("dialog"));
  const field = input("dialog-input");
  const ok = $("dialog-ok");
  $("dialog-text").textContent = text;
  ok.textContent = options.ok ?? "OK";
  ok.className = options.danger ? "danger" : "";
  field.hidden = options.value === undefined;
  field.value = options.value ?? "";
  dialog.returnValue = "";
  dialog.showModal();
  if (!field.hidden) field.select();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      resolve(dialog.returnValue === "ok" ? field.value : null);
    }, { once: true });
  });
}

// ------------------------------------------------------------------ dropping files

/**
 * Every file of a drop, walking dropped folders.
 * @param {DataTransfer} transfer
 * @returns {Promise<File[]>}
 */
async function droppedFiles(transfer) {
  const entries = [...transfer.items]
    .map((item) => item.webkitGetAsEntry ? item.webkitGetAsEntry() : null)
    .filter((e) => e !== null);
  if (entries.length === 0) return [...transfer.files];
  /** @type {File[]} */
  const files = [];
  /** @param {FileSystemEntry} entry */
  const walk = async (entry) => {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) =>
        /** @type {FileSystemFileEntry} */ (entry).file(resolve, reject)
      );
      files.push(file);
    } else if (entry.isDirectory) {
      const reader = /** @type {FileSystemDirectoryEntry} */ (entry).createReader();
      for (;;) {
        /** @type {FileSystemEntry[]} */
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (batch.length === 0) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const entry of entries) await walk(/** @type {FileSystemEntry} */ (entry));
  return files;
}

/**
 * Wires a drop zone: dropped files go to `onFiles`.
 * @param {string} id
 * @param {(files: File[]) => void} onFiles
 * @param {string} view
 */
function dropZone(id, onFiles, view) {
  const zone = $(id);
  zone.addEventListener("dragover", (event) => {
    event.preventDefault();
    zone.classList.add("over");
  });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    if (!event.dataTransfer) return;
    guarded(
      view,
      async () => onFiles(await droppedFiles(/** @type {DataTransfer} */ (event.dataTransfer))),
    );
  });
}

/** Hidden files and the OS's folder clutter are not photos. @param {File} file */
const isCandidate = (file) => !file.name.startsWith(".") && file.name !== "Thumbs.db";

/** The path to show for a file (folder picks and drops keep the relative path). @param {File} file */
const labelOf = (file) => file.webkitRelativePath || file.name;

// ------------------------------------------------------------------ status (shared)

/** @type {any} */
let status = null;

async function loadStatus() {
  status = await api("/api/status");
  return status;
}

/** The default threshold of `algorithm`, from the last status. @param {string} algorithm */
function defaultThreshold(algorithm) {
  const model = status?.models?.find((/** @type {Model} */ m) => m.algorithm === algorithm);
  return model && model.threshold !== null ? model.threshold : null;
}

// ------------------------------------------------------------------ People

/** @type {File[]} */
let enrollQueue = [];

/** @param {File[]} files */
function chooseEnrollFiles(files) {
  enrollQueue = files.filter(isCandidate);
  $("enroll-selected").textContent = enrollQueue.length === 0
    ? "No photos chosen."
    : `${enrollQueue.length} photo(s) chosen: ${enrollQueue.slice(0, 5).map(labelOf).join(", ")}${
      enrollQueue.length > 5 ? ", …" : ""
    }`;
}

const OUTCOME_TEXT = {
  stored: "stored",
  duplicate: "already stored (duplicate)",
  no_face: "no face found",
  several_faces: "several faces: the photo is ambiguous (tick “largest face” to take the largest)",
  unreadable: "not a readable image",
};

async function enrollAll() {
  const name = input("enroll-name").value.trim();
  if (name === "") throw new Error("Type the person's name first.");
  if (enrollQueue.length === 0) throw new Error("Choose or drop some photos first.");
  const largest = input("enroll-largest").checked;
  const files = enrollQueue;
  const progress = /** @type {HTMLProgressElement} */ ($("enroll-progress"));
  const outcomes = $("enroll-outcomes");
  const submit = /** @type {HTMLButtonElement} */ ($("enroll-submit"));
  outcomes.replaceChildren();
  progress.hidden = false;
  progress.max = files.length;
  progress.value = 0;
  submit.disabled = true;
  let stored = 0;
  try {
    for (const [i, file] of files.entries()) {
      $("enroll-count").textContent = `${i} / ${files.length}`;
      let outcome, text;
      try {
        const params = new URLSearchParams({ name, ...(largest ? { largest: "1" } : {}) });
        const reply = await api(`/api/enroll?${params}`, {
          method: "POST",
          body: file,
          headers: { "x-filename": encodeURIComponent(file.name) },
        });
        outcome = reply.image?.outcome ?? "error";
        text = OUTCOME_TEXT[/** @type {keyof typeof OUTCOME_TEXT} */ (outcome)] ?? outcome;
        if (reply.image?.message) text += ` (${reply.image.message})`;
        if (outcome === "stored") stored++;
      } catch (error) {
        // One bad file does not stop the rest, but a service that is down does.
        outcome = "error";
        text = describe(error);
        if (error instanceof ApiError && error.status === "unavailable") {
          outcomes.append(el("li", { class: "outcome-error", text: `${labelOf(file)}: ${text}` }));
          throw error;
        }
      }
      outcomes.append(
        el("li", { class: `outcome-${outcome}`, "data-outcome": outcome }, [
          `${labelOf(file)}: ${text}`,
        ]),
      );
      progress.value = i + 1;
    }
    $("enroll-count").textContent = `${files.length} / ${files.length}: ${stored} stored`;
  } finally {
    submit.disabled = false;
    await refreshPeople().catch((error) => showError("people", error));
  }
}

/** Initials for a person without a thumbnail. @param {string} name */
function initials(name) {
  const parts = name.split(/[\s_]+/).filter(Boolean);
  return parts.slice(0, 2).map((p) => [...p][0]?.toUpperCase() ?? "").join("") || "?";
}

/** The people whose faces are shown, kept open across a refresh. */
const openFaces = new Set();

async function refreshPeople() {
  const { people } = await api("/api/people");
  const list = $("people-list");
  $("people-empty").hidden = people.length > 0;
  list.replaceChildren(
    ...people.map((/** @type {{ name: string, faces: number, thumbnail?: string }} */ p) => {
      // The first stored face, or the initials when there is no image to show (a key
      // without the admin role cannot export faces).
      const fallback = el("div", {
        class: "avatar",
        "aria-hidden": "true",
        text: initials(p.name),
      });
      const avatar = el("img", {
        class: "avatar",
        alt: "",
        loading: "lazy",
        src: `/api/people/${encodeURIComponent(p.name)}/thumbnail?faces=${p.faces}`,
      });
      avatar.addEventListener("error", () => avatar.replaceWith(fallback), { once: true });
      const rename = el("button", { type: "button", class: "secondary", text: "Rename" });
      const faces = el("button", { type: "button", class: "secondary", text: "Faces" });
      const forget = el("button", { type: "button", class: "danger", text: "Forget" });
      const thumbs = el("div", { class: "thumbs" });
      rename.addEventListener("click", () => guarded("people", () => renamePerson(p.name)));
      faces.addEventListener("click", () => guarded("people", () => showFaces(p.name, thumbs)));
      forget.addEventListener(
        "click",
        () => guarded("people", () => forgetPerson(p.name, p.faces)),
      );
      if (openFaces.has(p.name)) {
        guarded("people", () => showFaces(p.name, thumbs));
      }
      return el("li", { class: "person", "data-name": p.name, "data-faces": String(p.faces) }, [
        avatar,
        el("div", {}, [
          el("div", { class: "name", text: p.name }),
          el("div", { class: "muted", text: `${p.faces} face${p.faces === 1 ? "" : "s"}` }),
        ]),
        el("div", { class: "actions" }, [rename, faces, forget]),
        thumbs,
      ]);
    }),
  );
}

/** @param {string} name @param {number} faces */
async function forgetPerson(name, faces) {
  const answer = await ask(
    `Forget ${name} and their ${faces} face(s)? This cannot be undone.`,
    { ok: "Forget", danger: true },
  );
  if (answer === null) return;
  await api(`/api/people/${encodeURIComponent(name)}`, { method: "DELETE" });
  await refreshPeople();
}

/** @param {string} name */
async function renamePerson(name) {
  const to = await ask(`Rename ${name} to:`, { ok: "Rename", value: name });
  if (to === null || to.trim() === "" || to.trim() === name) return;
  await api(`/api/people/${encodeURIComponent(name)}/rename`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name: to.trim() }),
  });
  openFaces.delete(name);
  await refreshPeople();
}

/**
 * Shows a person's faces, each with a button that removes it.
 * @param {string} name
 * @param {HTMLElement} into
 */
async function showFaces(name, into) {
  openFaces.add(name);
  const { faces } = await api(`/api/people/${encodeURIComponent(name)}/faces`);
  into.replaceChildren(
    ...faces.map(
      (
        /** @type {{ id: number, thumbnail: string | null, filename: string | null, created_at: string }} */ face,
      ) => {
        const remove = el("button", {
          type: "button",
          title: "remove this face",
          "aria-label": `remove face ${face.id}`,
          text: "×",
        });
        remove.addEventListener("click", () =>
          guarded("people", async () => {
            const answer = await ask(`Remove this face of ${name}?`, {
              ok: "Remove",
              danger: true,
            });
            if (answer === null) return;
            await api(`/api/people/${encodeURIComponent(name)}/faces/${face.id}`, {
              method: "DELETE",
            });
            await refreshPeople();
          }));
        const image = face.thumbnail
          ? el("img", { src: face.thumbnail, alt: `face ${face.id} of ${name}` })
          : el("div", { class: "avatar", text: `#${face.id}` });
        const when = new Date(face.created_at).toLocaleString();
        return el("div", {
          class: "thumb",
          "data-face": String(face.id),
          title: `${face.filename ?? "face"} #${face.id}, enrolled ${when}`,
        }, [image, remove]);
      },
    ),
  );
}

// ------------------------------------------------------------------ Identify

/** @type {{ file: File, url: string, result: IdentifyResult } | null} */
let identified = null;
/** @type {File | null} */
let identifyFile = null;

function setupAlgorithms() {
  const select = /** @type {HTMLSelectElement} */ ($("identify-algorithm"));
  if (select.options.length > 0) return;
  for (const algorithm of status.algorithms) {
    select.append(el("option", { value: algorithm, text: algorithm }));
  }
  select.value = status.default_algorithm;
  resetThreshold();
}

/** Puts the slider on the selected algorithm's default, scaled to its distances. */
function resetThreshold() {
  const algorithm = /** @type {HTMLSelectElement} */ ($("identify-algorithm")).value;
  const slider = input("identify-threshold");
  const fallback = defaultThreshold(algorithm);
  const mark = fallback ?? 1;
  slider.max = String(+(mark * 2).toPrecision(3));
  slider.step = String(+(mark / 100).toPrecision(2));
  slider.value = String(mark);
  slider.dataset.default = fallback === null ? "" : String(fallback);
  const list = $("identify-default");
  list.replaceChildren(el("option", { value: String(mark), label: "default" }));
  $("identify-threshold-default").textContent = fallback === null
    ? "(no default yet: the model is not trained)"
    : `default ${formatDistance(fallback)}`;
  showThreshold();
}

function showThreshold() {
  const slider = input("identify-threshold");
  const value = Number(slider.value);
  const atDefault = slider.dataset.default !== "" && value === Number(slider.dataset.default);
  $("identify-threshold-value").textContent = formatDistance(value) +
    (atDefault ? " (default)" : "");
}

/** The threshold the request should carry: none when the slider is at the default. */
function chosenThreshold() {
  const slider = input("identify-threshold");
  if (slider.dataset.default !== "" && slider.value === String(Number(slider.dataset.default))) {
    return null;
  }
  return Number(slider.value);
}

async function runIdentify() {
  if (!identifyFile) return;
  const file = identifyFile;
  const algorithm = /** @type {HTMLSelectElement} */ ($("identify-algorithm")).value;
  const threshold = chosenThreshold();
  const params = new URLSearchParams({ algorithm });
  if (threshold !== null) params.set("threshold", String(threshold));
  const result = await api(`/api/identify?${params}`, {
    method: "POST",
    body: file,
    headers: { "x-filename": encodeURIComponent(file.name) },
  });
  if (identified) URL.revokeObjectURL(identified.url);
  identified = { file, url: URL.createObjectURL(file), result };
  renderIdentified();
}

/** Draws the result: the photo, a box over each face, and each face's candidates. */
function renderIdentified() {
  if (!identified) return;
  const { url, result, file } = identified;
  const image = /** @type {HTMLImageElement} */ ($("identify-image"));
  const boxes = $("identify-boxes");
  const { width, height } = result.image;
  image.onerror = () =>
    showError(
      "identify",
      `This browser cannot display ${file.name}; the faces found are listed below.`,
    );
  image.src = url;
  image.style.aspectRatio = `${width} / ${height}`;
  const named = result.faces.filter((f) => f.name !== null).length;
  // With no threshold sent, the recognizer picks the default for this photo (dnn's is lower
  // for a greyscale one): say so when it is not the one on the slider.
  const slider = input("identify-threshold");
  const applied = result.faces[0]?.threshold;
  const note = $("identify-threshold-default");
  note.textContent = note.textContent?.replace(/ \(this photo: .*\)$/, "") ?? "";
  if (
    chosenThreshold() === null && applied !== undefined &&
    slider.dataset.default !== "" && applied !== Number(slider.dataset.default)
  ) {
    note.textContent += ` (this photo: ${formatDistance(applied)})`;
  }
  $("identify-summary").textContent = result.faces.length === 0
    ? `No face found in ${file.name}.`
    : `${result.faces.length} face(s), ${named} recognized`;
  boxes.replaceChildren(
    ...result.faces.map((face, i) => {
      const { x, y, width: w, height: h } = face.box;
      const box = el("div", {
        class: `face-box${face.name === null ? " unknown" : ""}`,
        "data-index": String(i),
        "data-x": String(x),
        "data-y": String(y),
        "data-width": String(w),
        "data-height": String(h),
        "data-name": face.name ?? "",
      }, [el("span", { text: `${i + 1}. ${face.name ?? "unknown"}` })]);
      box.style.left = `${(100 * x) / width}%`;
      box.style.top = `${(100 * y) / height}%`;
      box.style.width = `${(100 * w) / width}%`;
      box.style.height = `${(100 * h) / height}%`;
      return box;
    }),
  );
  $("identify-faces").replaceChildren(
    ...result.faces.map((face) =>
      el("li", {}, [
        el("strong", { text: face.name ?? "unknown" }),
        ` distance ${formatDistance(face.distance)}, threshold ${
          formatDistance(face.threshold)
        } (${face.algorithm})`,
        face.candidates.length === 0
          ? el("div", { class: "muted", text: "nobody to compare with" })
          : el("table", {}, [
            el("tr", {}, [el("th", { text: "nearest" }), el("th", { text: "distance" })]),
            ...face.candidates.map((c) =>
              el("tr", {}, [
                el("td", { text: c.name }),
                el("td", { text: formatDistance(c.distance) }),
              ])
            ),
          ]),
      ])
    ),
  );
  $("identify-result").hidden = false;
}

/** Draws the photo with its boxes and names on a canvas, and downloads it as PNG. */
async function downloadAnnotated() {
  if (!identified) throw new Error("Identify a photo first.");
  const { url, result, file } = identified;
  const image = new Image();
  image.src = url;
  try {
    await image.decode();
  } catch {
    throw new Error(`This browser cannot draw ${file.name}, so it cannot annotate it.`);
  }
  const canvas = document.createElement("canvas");
  canvas.width = result.image.width || image.naturalWidth;
  canvas.height = result.image.height || image.naturalHeight;
  const g = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  g.drawImage(image, 0, 0, canvas.width, canvas.height);
  const line = Math.max(2, Math.round(canvas.width / 300));
  const size = Math.max(12, Math.round(canvas.width / 45));
  g.font = `${size}px sans-serif`;
  g.textBaseline = "bottom";
  for (const face of result.faces) {
    const { x, y, width, height } = face.box;
    const colour = face.name === null ? "#f59e0b" : "#22c55e";
    g.lineWidth = line;
    g.strokeStyle = colour;
    g.strokeRect(x, y, width, height);
    const label = face.name ?? "unknown";
    const w = g.measureText(label).width + 6;
    const top = y - size - 4 < 0 ? y + height + size + 4 : y;
    g.fillStyle = colour;
    g.fillRect(x, top - size - 4, w, size + 4);
    g.fillStyle = "#000";
    g.fillText(label, x + 3, top - 2);
  }
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  if (!blob) throw new Error("The browser could not encode the annotated image.");
  const link = el("a", {
    href: URL.createObjectURL(blob),
    download: `${file.name.replace(/\.[^.]*$/, "")}-annotated.png`,
  });
  document.body.append(link);
  link.click();
  link.remove();
}

// ------------------------------------------------------------------ Verify

/** @type {(File | null)[]} */
const verifyFiles = [null, null];

/** @param {0 | 1} side @param {File[]} files */
function chooseVerifyFile(side, files) {
  const file = files.find(isCandidate);
  if (!file) return;
  verifyFiles[side] = file;
  const preview = /** @type {HTMLImageElement} */ ($(`verify-image-${side === 0 ? "a" : "b"}`));
  if (preview.src) URL.revokeObjectURL(preview.src);
  preview.src = URL.createObjectURL(file);
  preview.hidden = false;
  $("verify-result").hidden = true;
}

async function runVerify() {
  const [a, b] = verifyFiles;
  if (!a || !b) throw new Error("Choose two photos first.");
  const form = new FormData();
  form.append("a", a, a.name);
  form.append("b", b, b.name);
  const reply = await api("/api/verify", { method: "POST", body: form });
  const result = $("verify-result");
  if (reply.same === null) {
    result.hidden = true;
    const missing = reply.images
      .map((/** @type {{ faces: number }} */ image, /** @type {number} */ i) =>
        image.faces === 0 ? (i === 0 ? "the first photo" : "the second photo") : null
      )
      .filter(Boolean);
    throw new Error(`No face found in ${missing.join(" or ")}: nothing to compare.`);
  }
  result.className = `panel verdict ${reply.same ? "same" : "different"}`;
  result.dataset.same = String(reply.same);
  result.dataset.distance = String(reply.distance);
  result.replaceChildren(
    el("strong", { text: reply.same ? "Same person" : "Different people" }),
    ` distance ${formatDistance(reply.distance)} (threshold ${
      formatDistance(reply.threshold)
    }, ${reply.algorithm})`,
    ...reply.images
      .map((/** @type {{ faces: number }} */ image, /** @type {number} */ i) =>
        image.faces > 1
          ? el("div", {
            class: "muted",
            text: `The ${i === 0 ? "first" : "second"} photo shows ${image.faces} faces; ` +
              "its largest was compared.",
          })
          : null
      )
      .filter((/** @type {HTMLElement | null} */ e) => e !== null),
  );
  result.hidden = false;
}

// ------------------------------------------------------------------ Status

/** What the Status summary calls its rows. */
const LABELS = {
  version: "services' version",
  ui_version: "this page's version",
  detector: "detector",
  people: "people",
  faces: "faces",
};

async function refreshStatus() {
  const s = await loadStatus();
  const summary = $("status-summary");
  const rows = [
    ["version", s.version],
    ["ui_version", s.ui_version],
    ["detector", s.detector],
    ["people", String(s.people)],
    ["faces", String(s.faces)],
  ];
  summary.replaceChildren(
    ...rows.flatMap(([k, v]) => [
      el("dt", { text: LABELS[/** @type {keyof typeof LABELS} */ (k)] ?? k }),
      el("dd", { text: v, "data-key": k }),
    ]),
  );
  const body = /** @type {HTMLElement} */ ($("status-models").querySelector("tbody"));
  body.replaceChildren(
    ...s.models.map((/** @type {Model} */ m) =>
      el("tr", { "data-algorithm": m.algorithm }, [
        el("td", { text: m.algorithm }),
        el("td", { class: `state-${m.state}`, text: m.state }),
        el("td", { text: String(m.faces) }),
        el("td", { text: formatDistance(m.threshold) }),
        el("td", { text: m.message ?? "" }),
      ])
    ),
  );
}

// ------------------------------------------------------------------ views

/** Shows the view the URL's hash names. */
function route() {
  const name = location.hash.slice(1);
  const view = VIEWS.includes(name) ? name : "people";
  for (const v of VIEWS) $(`view-${v}`).hidden = v !== view;
  for (const link of document.querySelectorAll("nav a")) {
    if (/** @type {HTMLElement} */ (link).dataset.view === view) {
      link.setAttribute("aria-current", "page");
    } else link.removeAttribute("aria-current");
  }
  if (view === "people") guarded("people", refreshPeople);
  if (view === "status") guarded("status", refreshStatus);
  if (view === "identify") {
    guarded("identify", async () => {
      await loadStatus();
      setupAlgorithms();
    });
  }
}

function wire() {
  // People
  dropZone("enroll-drop", chooseEnrollFiles, "people");
  for (const id of ["enroll-files", "enroll-folder"]) {
    input(id).addEventListener("change", (event) => {
      chooseEnrollFiles([
        .../** @type {FileList} */ (/** @type {HTMLInputElement} */ (event.target).files),
      ]);
    });
  }
  $("enroll-form").addEventListener("submit", (event) => {
    event.preventDefault();
    guarded("people", enrollAll);
  });
  $("people-refresh").addEventListener("click", () => guarded("people", refreshPeople));

  // Identify
  const pick = (/** @type {File[]} */ files) => {
    identifyFile = files.find(isCandidate) ?? null;
    // A new photo's result replaces the last one, or its error does.
    $("identify-result").hidden = true;
    guarded("identify", runIdentify);
  };
  dropZone("identify-drop", pick, "identify");
  input("identify-file").addEventListener("change", () => {
    pick([.../** @type {FileList} */ (input("identify-file").files)]);
  });
  $("identify-algorithm").addEventListener("change", () => {
    resetThreshold();
    guarded("identify", runIdentify);
  });
  input("identify-threshold").addEventListener("input", showThreshold);
  input("identify-threshold").addEventListener("change", () => guarded("identify", runIdentify));
  $("identify-reset").addEventListener("click", () => {
    resetThreshold();
    guarded("identify", runIdentify);
  });
  $("identify-download").addEventListener("click", () => guarded("identify", downloadAnnotated));

  // Verify
  for (const [side, key] of /** @type {const} */ ([[0, "a"], [1, "b"]])) {
    dropZone(`verify-drop-${key}`, (files) => chooseVerifyFile(side, files), "verify");
    input(`verify-file-${key}`).addEventListener("change", () => {
      chooseVerifyFile(side, [.../** @type {FileList} */ (input(`verify-file-${key}`).files)]);
    });
  }
  $("verify-submit").addEventListener("click", () => guarded("verify", runVerify));

  // Status
  $("status-refresh").addEventListener("click", () => guarded("status", refreshStatus));

  addEventListener("hashchange", route);
  route();
}

wire();
