import type { Synchronous } from '../storage/database';

/** What serve mode's main thread hands its door thread (src-main/runtime/serve-door.ts). */
export interface DoorOptions {
  dataDir: string;
  synchronous: Synchronous;
  adminKey: string | undefined;
  host: string;
  port: number;
  tls: { cert: Buffer; key: Buffer } | undefined;
  publicHosts: string[];
}

/** A signal reached the process: finish in-flight writes, then exit. */
export type ToDoor = { t: 'stop'; signal: string };
