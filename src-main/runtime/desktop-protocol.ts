import type { LiveChange } from '../engine/context';
import type { IpcAnswer } from './ipc-door';
import type { RestoreReport } from '../engine/restore';

/** A message of the console's live feed, as the renderer's live source takes it. */
export type LiveMessage = { kind: 'hello'; at: string; instanceId: string | null } | { kind: 'changes'; at: string; changes: LiveChange[]; moreEvents: number };

/** What the desktop app shows about where its engine runs and how local apps reach it. */
export interface DesktopStatus {
  mode: 'local' | 'remote';
  /** Local mode: the data dir; remote mode: null. */
  dataDir: string | null;
  /** Where apps post events: the local HTTP endpoint, or the remote server. */
  apiUrl: string | null;
  /** Why the local HTTP endpoint is not listening (a busy port), if it is not. */
  httpError: string | null;
  /** The admin key minted on a new data dir, shown once. */
  initialAdminKey: string | null;
  instanceId: string | null;
}

export interface LocalEngineOptions {
  dataDir: string;
  port: number;
  host: string;
  osUser: string;
}

/** Main process -> engine process. */
export type ToDesktopEngine =
  | { t: 'start'; options: LocalEngineOptions }
  /** Instead of starting: restore a backup into the data dir (the engine is stopped), then exit. */
  | { t: 'restore'; dataDir: string; backupFile: string }
  | { t: 'call'; id: number; op: string; input: unknown; requestId: string }
  | { t: 'catch_up' }
  | { t: 'stop' };

/** Engine process -> main process. */
export type FromDesktopEngine =
  | { t: 'ready'; status: DesktopStatus }
  | { t: 'fatal'; message: string }
  | { t: 'answer'; id: number; answer: IpcAnswer }
  | { t: 'live'; message: LiveMessage }
  | { t: 'stopped' }
  | { t: 'restored'; report: RestoreReport };
