/**
 * A value built on first use. For Intl formatters: building them when the chat page's code loads took ~60 ms of
 * its first task on a slow phone (Lighthouse profile), before anything was on screen.
 */
export function lazy<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}
