/**
 * Waiting for something to happen rather than for a fixed time: a loaded 2-core machine
 * runs timers late, so tests wait for the event and keep a generous deadline only to fail
 * instead of hanging.
 * @module
 */

/** How long {@link waitFor} and {@link within} wait by default before failing. */
export const DEFAULT_DEADLINE_MS = 20_000;

/** Resolves once `condition()` holds, checking every few milliseconds; rejects after `ms`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  ms: number = DEFAULT_DEADLINE_MS,
): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** `promise`, or a rejection naming `what` if it has not settled within `ms`. */
export async function within<T>(
  promise: Promise<T>,
  what: string,
  ms: number = DEFAULT_DEADLINE_MS,
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`waited ${ms} ms for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}
