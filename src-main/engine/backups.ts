import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { z } from 'zod';
import type { Backup, BackupList, BackupSettings as BackupSettingsOut, BackupStatus, UpdateBackupSettings } from '../../shared/contract/backups';
import { isStorageFailure } from '../storage/database';
import { type BackupJob, type BackupJobResult, fsyncDir, runBackupJob } from './backup-job';
import type { EngineContext } from './context';
import { fail, TollgateError } from './errors';
import { iso } from './format';

export type BackupRecord = z.output<typeof Backup>;
type Kind = BackupRecord['kind'];

export interface BackupSettings {
  interval_hours: number;
  keep: number;
  dir: string | null;
}

export const DEFAULT_BACKUP_SETTINGS: BackupSettings = { interval_hours: 24, keep: 7, dir: null };
export const MANIFEST = 'tollgate-backups.json';
const SETTINGS_KEY = 'backup_settings';
/** Failed attempts (no file) kept in the manifest, for the record. */
const FAILED_KEPT = 20;

/** Errors of the file system that mean "the backup folder cannot take the copy" (answered as storage_unavailable). */
const FS_STORAGE_CODES = new Set(['ENOSPC', 'EROFS', 'EIO', 'EDQUOT', 'EACCES', 'EPERM']);

interface ManifestEntry extends BackupRecord {
  started_ms: number;
}

/** `2026-11-26T21-30-00-123Z`: an instant usable in a file name on every OS. */
export const stamp = (ms: number) => new Date(ms).toISOString().replace(/[:.]/g, '-');

/**
 * Online backups of the live database. A backup is a consistent copy taken without stopping
 * writes (backup-job.ts: its own read-only connection, one read transaction, on the backup thread
 * when the engine has one), verified after writing, recorded in `tollgate-backups.json` beside the
 * files (file, size, SHA-256, verified, timings) and rotated. A schedule (settings: every
 * `interval_hours`, keep `keep`) is run by the engine's timers through `tick()`.
 *
 * The record lives beside the backups, not in the database: it survives a restore, and it lists
 * the copies a restore and a migration leave (`pre-restore-*`, `pre-migration-*`).
 */
export class Backups {
  private chain: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private worker: Worker | null = null;
  private nextJob = 1;
  private readonly jobs = new Map<number, { resolve: (r: BackupJobResult) => void; reject: (e: Error) => void }>();
  private manifestCache: { dir: string; entries: ManifestEntry[] } | null = null;
  private closed = false;

  constructor(
    private readonly ctx: EngineContext,
    private readonly dataDir: string,
    private readonly dbFile: string,
    private readonly startedAt: number,
    /** The built backup thread (out/main/backup-worker.js); without it backups run in this thread. */
    private readonly workerFile?: string | URL,
  ) {}

  // ---------------------------------------------------------------- settings
  settings(): BackupSettings {
    const text = this.ctx.store.getMeta(SETTINGS_KEY);
    if (!text) return { ...DEFAULT_BACKUP_SETTINGS };
    try {
      return { ...DEFAULT_BACKUP_SETTINGS, ...(JSON.parse(text) as Partial<BackupSettings>) };
    } catch {
      return { ...DEFAULT_BACKUP_SETTINGS };
    }
  }

  settingsOut(): z.output<typeof BackupSettingsOut> {
    const s = this.settings();
    return { ...s, effective_dir: this.dir(s) };
  }

  /** Inside a writer operation. */
  updateSettings(input: z.output<typeof UpdateBackupSettings>): z.output<typeof BackupSettingsOut> {
    if (input.dir !== undefined && input.dir !== null && !isAbsolute(input.dir)) {
      fail('validation_failed', `dir must be an absolute path on the engine's machine, got ${JSON.stringify(input.dir)}.`, { issues: [{ path: ['dir'], message: 'not an absolute path' }] });
    }
    const next = { ...this.settings(), ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) } as BackupSettings;
    if (next.dir) {
      try {
        mkdirSync(next.dir, { recursive: true });
      } catch (err) {
        fail('validation_failed', `The backup folder ${next.dir} cannot be created: ${(err as Error).message}`, { issues: [{ path: ['dir'], message: 'cannot be created' }] });
      }
    }
    this.ctx.store.setMeta(SETTINGS_KEY, JSON.stringify(next));
    return { ...next, effective_dir: this.dir(next) };
  }

  dir(s: BackupSettings = this.settings()): string {
    return s.dir ?? join(this.dataDir, 'backups');
  }

  // ---------------------------------------------------------------- reads
  list(): z.output<typeof BackupList> {
    const dir = this.dir();
    const entries = this.manifest(dir);
    const known = new Set(entries.map((e) => e.file));
    const extra: ManifestEntry[] = [];
    // Copies made outside this record (a schema migration's) are listed too, unverified.
    if (existsSync(dir)) {
      for (const name of readdirSync(dir)) {
        if (known.has(name) || !/^pre-(migration|restore)-.*\.db$/.test(name)) continue;
        const st = statSync(join(dir, name));
        extra.push(emptyRecord(name.startsWith('pre-migration') ? 'pre-migration' : 'pre-restore', name, join(dir, name), st.mtimeMs, { size: st.size, finished_at: iso(st.mtimeMs) }));
      }
    }
    const all = [...entries, ...extra].sort((a, b) => b.started_ms - a.started_ms || (a.id < b.id ? 1 : -1));
    return { data: all.map(strip), status: this.status(), settings: this.settingsOut() };
  }

  /** The age of the last verified backup (health, overview). */
  status(): z.output<typeof BackupStatus> {
    const s = this.settings();
    const now = this.ctx.now();
    const entries = this.manifest(this.dir(s)).filter((e) => e.kind === 'scheduled' || e.kind === 'manual');
    const last = lastVerified(entries);
    const latest = entries.reduce<ManifestEntry | null>((a, e) => (!a || e.started_ms > a.started_ms ? e : a), null);
    const intervalMs = s.interval_hours * 3_600_000;
    const overdue = intervalMs > 0 && (last ? now - last.started_ms > 2 * intervalMs : now - this.startedAt > intervalMs);
    return {
      last_at: last ? last.started_at : null,
      age_seconds: last ? Math.max(0, Math.round((now - last.started_ms) / 1000)) : null,
      last_error: latest && !latest.verified ? latest.error : null,
      interval_hours: s.interval_hours,
      overdue,
      running: this.pending > 0,
    };
  }

  // ---------------------------------------------------------------- taking one
  /**
   * Takes a backup now (one at a time: a second call waits for the first, then copies). Resolves
   * with the record of a verified backup; a backup that fails verification is kept on disk and
   * recorded, and answered `backup_failed`; a folder that cannot take the copy `storage_unavailable`.
   */
  take(kind: 'manual' | 'scheduled' = 'manual'): Promise<BackupRecord> {
    if (this.closed) return Promise.reject(new TollgateError('shutting_down', 'The engine is stopping.'));
    this.pending++;
    const run = this.chain.then(() => this.takeNow(kind));
    this.chain = run.catch(() => undefined).finally(() => this.pending--);
    return run;
  }

  /** Run by the engine's timer: a scheduled backup when the last one is `interval_hours` old. */
  async tick(): Promise<BackupRecord | null> {
    if (this.closed || this.pending > 0) return null;
    const s = this.settings();
    if (!(s.interval_hours > 0)) return null;
    const entries = this.manifest(this.dir(s)).filter((e) => e.kind === 'scheduled' || e.kind === 'manual');
    const latest = entries.reduce<ManifestEntry | null>((a, e) => (!a || e.started_ms > a.started_ms ? e : a), null);
    const last = lastVerified(entries);
    const now = this.ctx.now();
    // A failed attempt is retried after a tenth of the interval (at least 5 minutes), not at every tick.
    if (latest && !latest.verified && now - latest.started_ms < Math.max(300_000, (s.interval_hours * 3_600_000) / 10)) return null;
    if (last && now - last.started_ms < s.interval_hours * 3_600_000) return null;
    return this.take('scheduled');
  }

  private async takeNow(kind: Kind): Promise<BackupRecord> {
    const s = this.settings();
    const dir = this.dir(s);
    const now = this.ctx.now();
    let name = `tollgate-${stamp(now)}.db`;
    for (let i = 2; existsSync(join(dir, name)) || this.manifest(dir).some((e) => e.file === name); i++) name = `tollgate-${stamp(now)}-${i}.db`;
    const path = join(dir, name);
    const entry: ManifestEntry = emptyRecord(kind, name, path, now, {});
    let result: BackupJobResult;
    try {
      mkdirSync(dir, { recursive: true });
      result = await this.runJob({ source: this.dbFile, target: path, now });
    } catch (err) {
      const e = err as Error & { code?: string };
      entry.error = `The copy failed: ${e.message}`;
      entry.finished_at = iso(this.ctx.now());
      try {
        this.record(dir, entry, s.keep);
      } catch {
        /* the folder cannot take the record either; the answer says why */
      }
      const storage = (e.code && FS_STORAGE_CODES.has(e.code)) || isStorageFailure(e);
      throw new TollgateError(storage ? 'storage_unavailable' : 'backup_failed', `The backup to ${path} failed: ${e.message}`, { path, code: e.code ?? null });
    }
    const verified = result.integrity === 'ok' && result.ledger_ok;
    Object.assign(entry, {
      finished_at: iso(this.ctx.now()),
      size: result.size,
      sha256: result.sha256,
      schema_version: result.schema_version,
      verified,
      integrity: result.integrity,
      ledger_ok: result.ledger_ok,
      ledger_problems: result.ledger_problems,
      transfers: result.transfers,
      took_ms: result.took_ms,
      copy_ms: result.copy_ms,
      verify_ms: result.verify_ms,
      error: verified ? null : result.integrity !== 'ok' ? `integrity_check: ${result.integrity}` : `the ledger check found ${result.ledger_problems} problem(s): ${result.ledger_first_problem}`,
    } satisfies Partial<BackupRecord>);
    this.record(dir, entry, s.keep);
    if (!verified) throw new TollgateError('backup_failed', `The backup ${name} was written but failed verification: ${entry.error}`, { backup: strip(entry) });
    return strip(entry);
  }

  /** Appends to the manifest and rotates: scheduled and manual backups beyond `keep` verified ones go, oldest first. */
  private record(dir: string, entry: ManifestEntry, keep: number): void {
    const entries = [...this.manifest(dir), entry];
    const rotatable = entries.filter((e) => (e.kind === 'scheduled' || e.kind === 'manual') && e.size !== null).sort((a, b) => b.started_ms - a.started_ms);
    const drop = new Set<ManifestEntry>();
    let kept = 0;
    let oldestKept = Infinity;
    for (const e of rotatable) {
      if (!e.verified) continue;
      if (kept < keep) {
        kept++;
        oldestKept = e.started_ms;
      } else drop.add(e);
    }
    // Unverified copies older than every kept backup go too; newer ones stay, as evidence.
    for (const e of rotatable) if (!e.verified && e.started_ms < oldestKept && kept >= keep) drop.add(e);
    const failed = entries.filter((e) => e.size === null && e.error).sort((a, b) => b.started_ms - a.started_ms);
    for (const e of failed.slice(FAILED_KEPT)) drop.add(e);
    for (const e of drop) if (e.size !== null) rmSync(e.path, { force: true });
    this.writeManifest(
      dir,
      entries.filter((e) => !drop.has(e)),
    );
  }

  /** Records a copy made by someone else (restore's pre-restore copy) in this folder's manifest. */
  static recordExternal(dir: string, entry: BackupRecord & { started_ms: number }): void {
    const file = join(dir, MANIFEST);
    const entries = readManifestFile(file);
    entries.push(entry);
    writeManifestFile(dir, entries);
  }

  private manifest(dir: string): ManifestEntry[] {
    if (this.manifestCache?.dir === dir) return this.manifestCache.entries;
    const entries = readManifestFile(join(dir, MANIFEST));
    this.manifestCache = { dir, entries };
    return entries;
  }

  private writeManifest(dir: string, entries: ManifestEntry[]): void {
    writeManifestFile(dir, entries);
    this.manifestCache = { dir, entries };
  }

  /** Forgets the cached manifest (another process wrote it: a restore). */
  reload(): void {
    this.manifestCache = null;
  }

  // ---------------------------------------------------------------- the thread
  /** Whether the backup thread is running (tests). */
  get threadRunning(): boolean {
    return this.worker !== null;
  }

  /**
   * Runs a job on the backup thread. The thread starts for the job and stops once no job is left:
   * backups come hours apart, and a thread kept between them held the heap its last ledger check
   * had grown to, and its code, for as long as the server ran (about 100 MiB of RSS after the first
   * scheduled backup in the benchmark, docs/performance.md). Starting it again costs some 50 ms.
   */
  private runJob(job: BackupJob): Promise<BackupJobResult> {
    if (!this.workerFile) return runBackupJob(job);
    const w = this.worker ?? this.startThread(this.workerFile);
    const id = this.nextJob++;
    return new Promise((resolve, reject) => {
      this.jobs.set(id, { resolve, reject });
      w.postMessage({ id, job });
    });
  }

  private startThread(file: string | URL): Worker {
    const w = new Worker(file);
    const failAll = (err: Error) => {
      if (this.worker !== w) return;
      this.worker = null;
      for (const p of this.jobs.values()) p.reject(err);
      this.jobs.clear();
    };
    w.on('message', (m: { id: number; result?: BackupJobResult; error?: { message: string; code: string | null } }) => {
      const p = this.jobs.get(m.id);
      if (!p) return;
      this.jobs.delete(m.id);
      if (m.result) p.resolve(m.result);
      else p.reject(Object.assign(new Error(m.error?.message ?? 'backup failed'), { code: m.error?.code ?? undefined }));
      if (this.jobs.size === 0 && this.worker === w) {
        this.worker = null;
        void w.terminate();
      }
    });
    w.on('error', failAll);
    w.on('exit', () => failAll(new Error('the backup thread stopped')));
    w.unref();
    this.worker = w;
    return w;
  }

  /** Waits for a backup in progress, then stops the thread. */
  async close(): Promise<void> {
    this.closed = true;
    await this.chain.catch(() => undefined);
    const w = this.worker;
    this.worker = null;
    await w?.terminate();
  }
}

/** A manifest entry with nothing measured yet. */
export function emptyRecord(kind: Kind, file: string, path: string, startedMs: number, extra: Partial<BackupRecord>): ManifestEntry {
  return {
    id: file.replace(/\.db$/, ''),
    kind,
    file,
    path,
    started_at: iso(startedMs),
    started_ms: startedMs,
    finished_at: null,
    size: null,
    sha256: null,
    schema_version: null,
    verified: false,
    integrity: null,
    ledger_ok: null,
    ledger_problems: null,
    transfers: null,
    took_ms: null,
    copy_ms: null,
    verify_ms: null,
    error: null,
    ...extra,
  };
}

export function strip(e: ManifestEntry): BackupRecord {
  const { started_ms: _ms, ...rest } = e;
  return rest;
}

function lastVerified(entries: ManifestEntry[]): ManifestEntry | null {
  return entries.reduce<ManifestEntry | null>((a, e) => (e.verified && (!a || e.started_ms > a.started_ms) ? e : a), null);
}

function readManifestFile(file: string): ManifestEntry[] {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { backups?: ManifestEntry[] };
    return Array.isArray(parsed.backups) ? parsed.backups.filter((e) => e && typeof e.file === 'string' && typeof e.started_ms === 'number') : [];
  } catch {
    return [];
  }
}

function writeManifestFile(dir: string, entries: ManifestEntry[]): void {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, MANIFEST);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify({ backups: entries }, null, 2) + '\n', { flush: true });
  renameSync(tmp, file);
  fsyncDir(dir);
}
