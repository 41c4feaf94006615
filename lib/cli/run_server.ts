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
  const server = Server.listen({
    hostname: settings.hostname,
    port: settings.port,
    tls: settings.tls,
    token: settings.token,
    limits: settings.limits,
    log,
  }, service.handle);
  const { hostname, port } = server.addr;
  console.log(`${name} listening on ${hostname}:${port}${settings.tls ? " (TLS)" : ""}`);
  log.info("listening", {
    address: `${hostname}:${port}`,
    tls: Boolean(settings.tls),
    auth: Boolean(settings.token),
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
