/**
 * The web page's HTTP server (Deno.serve): the static page, and the JSON API that turns the
 * page's requests into TLV calls to the detector. Every failure is answered as JSON with a
 * fitting status; a stack trace goes to the log (stderr), never to the page.
 * @module
 */
import { apiHandler } from "./api.ts";
import { type DetectorLink, detectorLink } from "./detector_link.ts";
import { errorResponse, HttpError } from "./http_error.ts";
import { loadStaticFiles } from "./static_files.ts";
import type { UiSettings } from "./ui_flags.ts";

/** A running UI server. */
export interface UiServer extends AsyncDisposable {
  /** The page's address, `http://HOST:PORT/`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Stops listening and waits for requests in flight. */
  shutdown(): Promise<void>;
}

/** The headers every answer carries: the page loads nothing from anywhere but here. */
const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; " +
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
};

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** What a test may put in place of the real parts. */
export interface UiServerOptions {
  /** Where failures' details go (default: stderr). */
  log?: (line: string) => void;
  /** The detector (default: TLV over TCP to `settings.detector`). */
  link?: DetectorLink;
}

/** Starts the server; resolves once it listens. */
export async function startUiServer(
  settings: UiSettings,
  options: UiServerOptions = {},
): Promise<UiServer> {
  const log = options.log ?? ((line: string) => console.error(line));
  const files = await loadStaticFiles();
  const api = apiHandler({
    link: options.link ?? detectorLink(settings.detector, settings.token, settings.timeoutMs),
    maxUploadBytes: settings.maxUploadBytes,
  });
  const loopbackOnly = LOOPBACK.has(settings.hostname);

  const handle = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    // A page of another site must not drive this one (DNS rebinding, cross-site posts).
    if (loopbackOnly && !LOOPBACK.has(url.hostname)) {
      throw new HttpError(403, "forbidden", `this server answers on localhost only`);
    }
    const origin = request.headers.get("origin");
    if (origin !== null && origin !== url.origin) {
      throw new HttpError(403, "forbidden", `requests from ${origin} are not accepted`);
    }
    if (url.pathname.startsWith("/api/")) return await api(request, url);
    const file = files.get(url.pathname);
    if (!file) throw new HttpError(404, "notFound", `no page at ${url.pathname}`);
    if (request.method !== "GET" && request.method !== "HEAD") {
      throw new HttpError(405, "methodNotAllowed", `${request.method} is not allowed here`);
    }
    return new Response(file.body, { headers: { "content-type": file.type } });
  };

  const server = Deno.serve({
    hostname: settings.hostname,
    port: settings.port,
    onListen: () => {},
    onError: (error) => {
      log(`ui: internal error: ${(error as Error)?.stack ?? error}`);
      return errorResponse(500, "internal", "the UI server failed; its log says why");
    },
  }, async (request) => {
    let response: Response;
    try {
      response = await handle(request);
    } catch (error) {
      if (error instanceof HttpError) {
        response = errorResponse(error.httpStatus, error.status, error.message);
      } else {
        log(
          `ui: ${request.method} ${new URL(request.url).pathname}: ${
            (error as Error)?.stack ?? error
          }`,
        );
        response = errorResponse(500, "internal", "the UI server failed; its log says why");
      }
    }
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      response.headers.set(name, value);
    }
    return response;
  });
  const { port } = server.addr as Deno.NetAddr;
  const host = settings.hostname.includes(":") ? `[${settings.hostname}]` : settings.hostname;
  let done: Promise<void> | undefined;
  const shutdown = () => (done ??= server.shutdown());
  return {
    url: `http://${host}:${port}/`,
    port,
    shutdown,
    [Symbol.asyncDispose]: shutdown,
  };
}
