import { join } from 'node:path';
import type { Synchronous } from '../storage/database';
import { WorkerGateway } from '../engine/worker-gateway';
import { unpacked } from './asar';
import { applyMemoryPolicy, ENGINE_THREAD_LIMITS } from './memory-policy';

export interface EngineThreadOptions {
  dataDir: string;
  synchronous?: Synchronous;
  adminKey?: string;
  /** The folder of the built entry (out/main): where the worker bundles are. */
  bundleDir: string;
}

/**
 * Opens the engine on its own thread (with its document and backup threads), as serve mode and the
 * desktop app's engine process both do. Throws DataDirLockedError or SchemaTooNewError as they are.
 */
export function openEngineThread(o: EngineThreadOptions): Promise<WorkerGateway> {
  const dir = unpacked(o.bundleDir);
  applyMemoryPolicy();
  return WorkerGateway.open(join(dir, 'engine-worker.js'), ENGINE_THREAD_LIMITS, {
    dataDir: o.dataDir,
    synchronous: o.synchronous ?? 'FULL',
    adminKey: o.adminKey,
    documentWorker: join(dir, 'document-worker.js'),
    backupWorker: join(dir, 'backup-worker.js'),
  });
}
