import type { Client } from './http';
import { makeEvents } from './workload';

/**
 * Batch ingestion at a fixed offered rate (events/s, in requests of 1,000, at most 8 in flight)
 * until stopped: the load under which the benchmark and the profiling aid measure authorizations.
 * Transaction ids are made unique per request, so every batch is new work, never a replay.
 */
export function backgroundBatches(api: Client, sample: () => number, eventsPerSecond: number) {
  const loadEvents = makeEvents(200_000, `bg${Math.random().toString(36).slice(2, 6)}`, sample);
  const bodies: string[] = [];
  for (let i = 0; i < loadEvents.length; i += 1000) bodies.push(`{"events":[${loadEvents.slice(i, i + 1000).map((e) => e.body).join(',')}]}`);
  let stop = false;
  let sent = 0;
  const done = (async () => {
    const interval = 1000 / (eventsPerSecond / 1000);
    const start = performance.now();
    const inflight = new Set<Promise<unknown>>();
    for (let b = 0; !stop; b++) {
      const wait = start + b * interval - performance.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      if (inflight.size >= 8) await Promise.race(inflight);
      const p = api.send('POST', '/v1/events/batch', bodies[b % bodies.length]!.replaceAll('"transaction_id":"', `"transaction_id":"r${b}-`));
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      sent++;
    }
    await Promise.all(inflight);
  })();
  return {
    stop: async () => {
      stop = true;
      await done;
      return sent;
    },
  };
}
