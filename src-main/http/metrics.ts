/**
 * The HTTP door's own measurements (requests by route template and status, authorization latency)
 * and the Prometheus text rendering of them together with the engine's runtime stats.
 */

/** Authorization latency buckets, in seconds: the target is p99 under 2 ms. */
const AUTH_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

export interface RuntimeStatsLike {
  uptime_seconds: number;
  events_recorded: number;
  refusals: { reason: string; count: number }[];
  webhooks: { pending: number; oldest_pending_age_seconds: number | null; dead: number };
  storage: { database_bytes: number; wal_bytes: number };
  backup: { last_age_seconds: number | null; overdue: boolean };
  memory: { rss_bytes: number; heap_used_bytes: number };
  writer: { commits: number; operations: number };
}

const label = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

export class DoorMetrics {
  private readonly requests = new Map<string, number>();
  private readonly authCounts = new Array<number>(AUTH_BUCKETS.length).fill(0);
  private authSum = 0;
  private authTotal = 0;

  /** One answered request; `route` is the route template, never the raw path (which may name a customer). */
  request(method: string, route: string, status: number, seconds: number, opId: string | null): void {
    const key = `${method} ${route} ${status}`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    if (opId === 'createAuthorization') {
      this.authTotal++;
      this.authSum += seconds;
      for (let i = 0; i < AUTH_BUCKETS.length; i++) if (seconds <= AUTH_BUCKETS[i]!) this.authCounts[i]!++;
    }
  }

  render(stats: RuntimeStatsLike): string {
    const out: string[] = [];
    const metric = (name: string, type: string, help: string, lines: string[]) => {
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, ...lines);
    };
    metric('tollgate_events_recorded_total', 'counter', 'Events recorded (rate() gives events per second).', [`tollgate_events_recorded_total ${stats.events_recorded}`]);
    metric('tollgate_refusals_total', 'counter', 'Refused events and authorizations by reason (90-day window).', stats.refusals.map((r) => `tollgate_refusals_total{reason="${label(r.reason)}"} ${r.count}`));
    metric(
      'tollgate_authorization_duration_seconds',
      'histogram',
      'Time to answer POST /v1/authorizations, in the HTTP door.',
      [...AUTH_BUCKETS.map((b, i) => `tollgate_authorization_duration_seconds_bucket{le="${b}"} ${this.authCounts[i]}`), `tollgate_authorization_duration_seconds_bucket{le="+Inf"} ${this.authTotal}`, `tollgate_authorization_duration_seconds_sum ${this.authSum}`, `tollgate_authorization_duration_seconds_count ${this.authTotal}`],
    );
    metric('tollgate_http_requests_total', 'counter', 'Answered HTTP requests by method, route template and status.', [...this.requests].map(([k, n]) => {
      const [method, route, status] = k.split(' ');
      return `tollgate_http_requests_total{method="${method}",route="${label(route!)}",status="${status}"} ${n}`;
    }));
    metric('tollgate_webhook_queue_depth', 'gauge', 'Webhook deliveries waiting.', [`tollgate_webhook_queue_depth ${stats.webhooks.pending}`]);
    metric('tollgate_webhook_oldest_pending_age_seconds', 'gauge', 'Age of the oldest waiting delivery (0 when none).', [`tollgate_webhook_oldest_pending_age_seconds ${stats.webhooks.oldest_pending_age_seconds ?? 0}`]);
    metric('tollgate_webhook_dead_letters', 'gauge', 'Deliveries that gave up (dead letters).', [`tollgate_webhook_dead_letters ${stats.webhooks.dead}`]);
    metric('tollgate_database_bytes', 'gauge', 'Size of the SQLite database file.', [`tollgate_database_bytes ${stats.storage.database_bytes}`]);
    metric('tollgate_wal_bytes', 'gauge', 'Size of the write-ahead log.', [`tollgate_wal_bytes ${stats.storage.wal_bytes}`]);
    metric('tollgate_last_backup_age_seconds', 'gauge', 'Age of the last verified backup (-1: none yet).', [`tollgate_last_backup_age_seconds ${stats.backup.last_age_seconds ?? -1}`]);
    metric('tollgate_backup_overdue', 'gauge', '1 when a backup schedule is set and the last verified backup is too old.', [`tollgate_backup_overdue ${stats.backup.overdue ? 1 : 0}`]);
    metric('tollgate_engine_resident_memory_bytes', 'gauge', 'Resident memory of the engine process.', [`tollgate_engine_resident_memory_bytes ${stats.memory.rss_bytes}`]);
    metric('tollgate_writer_commits_total', 'counter', 'Transactions the writer committed (one fsync each).', [`tollgate_writer_commits_total ${stats.writer.commits}`]);
    metric('tollgate_writer_operations_total', 'counter', 'Writes those commits carried; divided by the commits, how many writes share one.', [`tollgate_writer_operations_total ${stats.writer.operations}`]);
    metric('tollgate_uptime_seconds', 'gauge', 'Seconds since the engine started.', [`tollgate_uptime_seconds ${stats.uptime_seconds}`]);
    return out.join('\n') + '\n';
  }
}
