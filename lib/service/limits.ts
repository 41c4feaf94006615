/**
 * Safe defaults for what a service accepts. Every one can be overridden by flags.
 * @module
 */

/** Bounds and timeouts shared by both services. */
export interface ServiceLimits {
  /** Largest frame body accepted, in bytes. */
  maxFrameBytes: number;
  /** Most images in one enroll request. */
  maxImagesPerRequest: number;
  /** Largest decoded image side, in pixels. */
  maxImageSide: number;
  /** Largest decoded image area, in pixels. */
  maxImagePixels: number;
  /** Most faces forwarded for one identify request. */
  maxFacesPerImage: number;
  /** A connection with no request for this long is closed. */
  idleTimeoutMs: number;
  /** A request frame must arrive completely within this long of its first byte. */
  frameTimeoutMs: number;
  /** Most simultaneously open connections; more are refused. */
  maxConnections: number;
  /**
   * How long an enroll or forget forwarded to the next service may take before it counts as
   * unavailable (they wait for the models to retrain).
   */
  upstreamTimeoutMs: number;
  /** The same for identify, list and stats, which never wait for training. */
  queryTimeoutMs: number;
}

/** The defaults: generous for real photos, small enough that one client cannot exhaust RAM. */
export const DEFAULT_LIMITS: Readonly<ServiceLimits> = Object.freeze({
  maxFrameBytes: 64 * 1024 * 1024,
  maxImagesPerRequest: 64,
  maxImageSide: 8192,
  maxImagePixels: 40_000_000,
  maxFacesPerImage: 64,
  idleTimeoutMs: 60_000,
  frameTimeoutMs: 30_000,
  maxConnections: 256,
  upstreamTimeoutMs: 120_000,
  queryTimeoutMs: 15_000,
});
