import type { ServerResponse } from 'node:http';
import type { LiveChange } from '../engine/context';
import type { EngineGateway } from '../engine/gateway-wire';

/** How often coalesced changes go out: a few times a second keeps a console live at any event rate. */
const FLUSH_MS = 200;
/** Events are many: each window sends the newest few and a count of the rest. */
const EVENTS_PER_WINDOW = 50;

interface Client {
  res: ServerResponse;
  customer: string | null;
}

/** One window's worth of changes: the latest state per object, and the newest events. */
export interface LiveBatch {
  at: string;
  changes: LiveChange[];
  /** Events beyond the newest few of this window, counted, not sent. */
  moreEvents: number;
}

/**
 * Coalesces committed changes: within each window only the latest state per object is kept (a
 * balance that moved 3,000 times is sent once), then `flush` gets one batch. Used by the HTTP live
 * feed and by the desktop app's IPC feed.
 */
export class LiveCoalescer {
  private pending = new Map<string, LiveChange>();
  private events: LiveChange[] = [];
  private droppedEvents = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly flushTo: (batch: LiveBatch) => void,
    private readonly active: () => boolean = () => true,
    private readonly windowMs = FLUSH_MS,
  ) {}

  take(changes: LiveChange[]): void {
    if (!this.active()) return;
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
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
  }

  private flush(): void {
    this.timer = null;
    const changes = [...this.pending.values(), ...this.events];
    const moreEvents = this.droppedEvents;
    this.pending = new Map();
    this.events = [];
    this.droppedEvents = 0;
    if (changes.length) this.flushTo({ at: new Date().toISOString(), changes, moreEvents });
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/**
 * The live feed (server-sent events at GET /v1/live). A client that connects (or reconnects after
 * a restart) first gets `hello` with the server's instance id and time, which tells it to reload
 * what it shows; then `changes` a few times a second. A read token's client gets its customer's only.
 */
export class LiveFeed {
  private readonly clients = new Set<Client>();
  private readonly coalescer: LiveCoalescer;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(private readonly gateway: EngineGateway) {
    this.coalescer = new LiveCoalescer((batch) => this.send(batch), () => this.clients.size > 0);
    this.unsubscribe = gateway.subscribe((changes) => this.coalescer.take(changes));
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

  private send(batch: LiveBatch): void {
    for (const c of this.clients) {
      const mine = c.customer ? batch.changes.filter((x) => x.customer === c.customer) : batch.changes;
      if (!mine.length) continue;
      c.res.write(`event: changes\ndata: ${JSON.stringify({ at: batch.at, changes: mine, more_events: c.customer ? 0 : batch.moreEvents })}\n\n`);
    }
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.heartbeat);
    this.coalescer.close();
    for (const c of this.clients) c.res.end();
    this.clients.clear();
  }
}
