import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LoggedRequest {
  at: number;
  method: string;
  route: string;
  latency_ms: number;
}

/**
 * The requests serve mode logged (its JSON-lines request log in `<data dir>/logs`, rotated files
 * included), optionally those answered between `from` and `to` (ms since the epoch): the server's
 * own latencies, to tell its tail from the load generator's.
 */
export function loggedRequests(dataDir: string, from = -Infinity, to = Infinity): LoggedRequest[] {
  const dir = join(dataDir, 'logs');
  if (!existsSync(dir)) return [];
  const out: LoggedRequest[] = [];
  for (const file of readdirSync(dir)) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (!line.includes('"latency_ms"')) continue;
      const entry = JSON.parse(line) as { at: string; method: string; route: string; latency_ms: number };
      const at = Date.parse(entry.at);
      if (at >= from && at <= to) out.push({ at, method: entry.method, route: entry.route, latency_ms: entry.latency_ms });
    }
  }
  return out;
}
