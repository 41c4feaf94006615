/**
 * Runs a service until SIGINT/SIGTERM, then drains: stops accepting, answers what is in
 * flight, closes the service, exits.
 * @module
 */
import { Server } from "../service/server.ts";
import type { Handler } from "../service/server.ts";
import type { Logger } from "../service/log.ts";
import type { ServerSettings } from "./server_flags.ts";

/** A started service: something that handles requests and can be closed. */
export interface RunnableService {
  /** Answers one request. */
  handle: Handler;
  /** Stops the service once the server has drained. */
  close(): Promise<void>;
}

/** Listens, prints `NAME listening on HOST:PORT` on stdout, and serves until a signal. */
export async function runServer(
  name: string,
  settings: ServerSettings,
  service: RunnableService,
  log: Logger,
): Promise<void> {
  let server: Server;
  try {
    server = Server.listen({
      hostname: settings.hostname,
      port: settings.port,
      tls: settings.tls,
      token: settings.token,
      keys: settings.keys,
      limits: settings.limits,
      log,
    }, service.handle);
  } catch (error) {
    await service.close();
    const where = `${settings.hostname}:${settings.port}`;
    if (error instanceof Deno.errors.AddrInUse) {
      throw new Error(
        `cannot listen on ${where}: port ${settings.port} is already in use (is another ` +
          `${name} running? choose another with --port)`,
        { cause: error },
      );
    }
    if (error instanceof Deno.errors.AddrNotAvailable) {
      throw new Error(`cannot listen on ${where}: no such address on this machine (--host)`, {
        cause: error,
      });
    }
    throw error;
  }
  const { hostname, port } = server.addr;
  console.log(`${name} listening on ${hostname}:${port}${settings.tls ? " (TLS)" : ""}`);
  log.info("listening", {
    address: `${hostname}:${port}`,
    tls: Boolean(settings.tls),
    auth: Boolean(settings.token) || settings.keys.length > 0,
    keys: (settings.token ? 1 : 0) + settings.keys.length,
    workers: settings.workers,
  });
  const stopped = Promise.withResolvers<string>();
  const onSignal = (signal: Deno.Signal) => () => stopped.resolve(signal);
  const signals: [Deno.Signal, () => void][] = [
    ["SIGTERM", onSignal("SIGTERM")],
    ["SIGINT", onSignal("SIGINT")],
  ];
  for (const [signal, handler] of signals) Deno.addSignalListener(signal, handler);
  const signal = await stopped.promise;
  log.info("draining", { signal });
  await server.close();
  await service.close();
  for (const [sig, handler] of signals) Deno.removeSignalListener(sig, handler);
  log.info("stopped");
}
