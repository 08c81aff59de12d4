/**
 * The backup thread (built to out/main/backup-worker.js): copies, verifies and checksums a backup
 * (backup-job.ts) so that neither the copy nor `PRAGMA integrity_check` nor the ledger check ever
 * holds up the engine's writes.
 */
import { parentPort } from 'node:worker_threads';
import { type BackupJob, runBackupJob } from './backup-job';

const port = parentPort!;
port.on('message', (m: { id: number; job: BackupJob }) => {
  runBackupJob(m.job).then(
    (result) => port.postMessage({ id: m.id, result }),
    (err: unknown) => port.postMessage({ id: m.id, error: { message: (err as Error)?.message ?? String(err), code: (err as { code?: string })?.code ?? null } }),
  );
});
