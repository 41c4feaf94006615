/**
 * The socket adapter: every TCP and TLS socket of facerec is opened here. Calling a service
 * ({@link callService} on a connection of its own, {@link UpstreamPool} with keep-alive),
 * endpoints as the command lines give them, and the listening side the server's accept loop
 * runs on ({@link listen}).
 *
 * It sits below lib/client and lib/service, which both use it, and above lib/protocol,
 * whose codec and stream framing it sends frames with: lib/protocol itself stays free of
 * sockets (its `readFrames`/`writeFrame` work on any web stream, in-memory ones in tests).
 *
 * @module
 */
export { type CallOptions, callService, RETRY_SAFE_OPS } from "./call_service.ts";
export { type Endpoint, parseEndpoint } from "./endpoint.ts";
export { UnavailableError } from "./errors.ts";
export {
  isDisconnect,
  listen,
  type ListenOptions,
  type ServerConnection,
  type ServerListener,
  type TlsFiles,
} from "./listen.ts";
export { type PoolOptions, UpstreamPool } from "./upstream_pool.ts";
