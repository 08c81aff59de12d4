import http from 'node:http';
import { ADMIN_KEY } from './api';

export interface LoadReport {
  sent: number;
  accepted: number;
  refused: number;
  seconds: number;
  rate: number;
  batches: number;
  errors: number;
}

/**
 * A background load: batches of events to /v1/events/batch over keep-alive connections, paced to
 * `targetPerSecond`, until `stop()` is called. Events go to one customer (not the one under test).
 */
export function startLoad(baseUrl: string, opts: { customer: string; code: string; targetPerSecond: number; batchSize?: number; concurrency?: number; prefix?: string }) {
  const u = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 4 });
  const batchSize = opts.batchSize ?? 250;
  const concurrency = opts.concurrency ?? 4;
  const prefix = opts.prefix ?? `load-${Date.now().toString(36)}`;
  let seq = 0;
  let stopped = false;
  const report: LoadReport = { sent: 0, accepted: 0, refused: 0, seconds: 0, rate: 0, batches: 0, errors: 0 };
  const started = performance.now();

  const post = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        { host: u.hostname, port: u.port, path: '/v1/events/batch', method: 'POST', agent, headers: { authorization: `Bearer ${ADMIN_KEY}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  const worker = async () => {
    while (!stopped) {
      // Pace: never run ahead of the target rate.
      const due = ((report.sent + batchSize) / opts.targetPerSecond) * 1000;
      const elapsed = performance.now() - started;
      if (due > elapsed) await new Promise((r) => setTimeout(r, Math.min(200, due - elapsed)));
      if (stopped) break;
      const events = Array.from({ length: batchSize }, () => ({ transaction_id: `${prefix}-${seq++}`, customer: opts.customer, code: opts.code, properties: { tokens: 10 } }));
      report.sent += batchSize;
      try {
        const r = await post(JSON.stringify({ events }));
        report.batches++;
        if (r.status !== 200) {
          report.errors++;
          continue;
        }
        const body = JSON.parse(r.text) as { accepted: number; refused: number };
        report.accepted += body.accepted;
        report.refused += body.refused;
      } catch {
        report.errors++;
      }
    }
  };
  const done = Promise.all(Array.from({ length: concurrency }, worker));
  return {
    report,
    async stop(): Promise<LoadReport> {
      stopped = true;
      await done;
      report.seconds = (performance.now() - started) / 1000;
      report.rate = Math.round(report.accepted / report.seconds);
      agent.destroy();
      return report;
    },
  };
}
