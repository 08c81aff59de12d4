/**
 * Sets `key` as the most recently used entry of a cache kept in use order (a Map iterates in
 * insertion order, so a plain `set` of an existing key would leave it where it was).
 */
export function setAsNewest<K, V>(cache: Map<K, V>, key: K, value: V): void {
  cache.delete(key);
  cache.set(key, value);
}

/**
 * Drops a cache's oldest entries (a Map iterates in insertion order) until at most `limit` are
 * left. Callers run it only where no operation is using a cached object (when a batch commits), so
 * a dropped entry is simply read back from its row the next time it is needed.
 */
export function dropOldest<K, V>(cache: Map<K, V>, limit: number, dropped?: (value: V) => void): void {
  for (const [key, value] of cache) {
    if (cache.size <= limit) return;
    cache.delete(key);
    dropped?.(value);
  }
}
