import type { ServerResponse } from 'node:http';
import type { LiveChange } from '../engine/context';
import type { EngineGateway } from '../engine/gateway';

/** How often coalesced changes go out: a few times a second keeps a console live at any event rate. */
const FLUSH_MS = 200;
/** Events are many: each window sends the newest few and a count of the rest. */
const EVENTS_PER_WINDOW = 50;

interface Client {
  res: ServerResponse;
  customer: string | null;
}

/**
 * The live feed (server-sent events at GET /v1/live). Committed changes arrive from the engine;
 * within each window only the latest state per object is kept (a balance that moved 3,000 times
 * is sent once), then one `changes` message goes to every client. A client that connects (or
 * reconnects after a restart) first gets `hello` with the server's instance id and time, which
 * tells it to reload what it shows.
 */
export class LiveFeed {
  private readonly clients = new Set<Client>();
  private pending = new Map<string, LiveChange>();
  private events: LiveChange[] = [];
  private droppedEvents = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(private readonly gateway: EngineGateway) {
    this.unsubscribe = gateway.subscribe((changes) => this.take(changes));
    this.heartbeat = setInterval(() => {
      for (const c of this.clients) c.res.write(': keep-alive\n\n');
    }, 15_000).unref();
  }

  get size(): number {
    return this.clients.size;
  }

  attach(res: ServerResponse, customer: string | null = null): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write(`retry: 2000\nevent: hello\ndata: ${JSON.stringify({ instance_id: this.gateway.instanceId, at: new Date().toISOString() })}\n\n`);
    const client: Client = { res, customer };
    this.clients.add(client);
    res.on('close', () => this.clients.delete(client));
  }

  private take(changes: LiveChange[]): void {
    if (!this.clients.size) return;
    for (const c of changes) {
      if (c.type === 'event') {
        this.events.push(c);
        if (this.events.length > EVENTS_PER_WINDOW) {
          this.events.shift();
          this.droppedEvents++;
        }
      } else {
        this.pending.set(`${c.type}:${c.id}:${c.asset ?? ''}`, c);
      }
    }
    this.timer ??= setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.timer = null;
    const changes = [...this.pending.values(), ...this.events];
    const dropped = this.droppedEvents;
    this.pending = new Map();
    this.events = [];
    this.droppedEvents = 0;
    if (!changes.length) return;
    const at = new Date().toISOString();
    for (const c of this.clients) {
      const mine = c.customer ? changes.filter((x) => x.customer === c.customer) : changes;
      if (!mine.length) continue;
      c.res.write(`event: changes\ndata: ${JSON.stringify({ at, changes: mine, more_events: c.customer ? 0 : dropped })}\n\n`);
    }
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    if (this.timer) clearTimeout(this.timer);
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}
