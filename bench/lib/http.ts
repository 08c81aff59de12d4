import { Agent, request } from 'node:http';

/** A keep-alive HTTP client with as little overhead as node:http allows (fetch costs several times more CPU). */
export class Client {
  readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(
    baseUrl: string,
    private readonly key: string | null,
    connections: number,
  ) {
    const u = new URL(baseUrl);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });
  }

  send(method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { 'content-type': 'application/json' };
      if (this.key) headers.authorization = `Bearer ${this.key}`;
      if (body !== undefined) headers['content-length'] = Buffer.byteLength(body);
      const req = request({ host: this.host, port: this.port, method, path, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async json<T = any>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await this.send(method, path, body === undefined ? undefined : JSON.stringify(body));
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Runs `work` from `concurrency` loops for `ms`; counts completions by status. */
export async function closedLoop(concurrency: number, ms: number, work: (i: number) => Promise<number>): Promise<{ done: number; seconds: number; statuses: Record<number, number> }> {
  const statuses: Record<number, number> = {};
  let done = 0;
  let n = 0;
  const start = performance.now();
  const end = start + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const status = await work(n++);
        statuses[status] = (statuses[status] ?? 0) + 1;
        done++;
      }
    }),
  );
  return { done, seconds: (performance.now() - start) / 1000, statuses };
}

/**
 * An open-loop load: requests start at a fixed rate whatever the answers do, and each latency is
 * counted from when the request was due (so a stall shows in the tail instead of hiding it).
 */
export async function openLoop(ratePerSecond: number, ms: number, work: (i: number) => Promise<number>): Promise<{ latenciesMs: number[]; statuses: Record<number, number>; sent: number }> {
  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  const interval = 1000 / ratePerSecond;
  const start = performance.now();
  const total = Math.floor((ms / 1000) * ratePerSecond);
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    inflight.push(
      work(i).then(
        (status) => {
          latencies.push(performance.now() - due);
          statuses[status] = (statuses[status] ?? 0) + 1;
        },
        () => {
          statuses[0] = (statuses[0] ?? 0) + 1;
        },
      ),
    );
  }
  await Promise.all(inflight);
  return { latenciesMs: latencies, statuses, sent: total };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
