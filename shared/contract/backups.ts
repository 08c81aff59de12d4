import { z } from 'zod';
import { IsoTime } from './common';

/** Online backups of the live database: taken on a schedule or on demand, each verified, rotated. */

export const BackupKind = z.enum(['scheduled', 'manual', 'pre-restore', 'pre-migration']).meta({
  description: '`scheduled` and `manual` backups are rotated (the oldest beyond `keep` are deleted); `pre-restore` and `pre-migration` copies are kept until the operator deletes them.',
});

export const Backup = z.object({
  id: z.string(),
  kind: BackupKind,
  file: z.string().meta({ description: 'The file name in the backup folder.' }),
  path: z.string().meta({ description: 'The full path on the engine\'s machine.' }),
  started_at: IsoTime.meta({ description: 'When the copy began: it holds every write acknowledged before this instant.' }),
  finished_at: IsoTime.nullable(),
  size: z.number().int().nullable().meta({ description: 'Bytes.' }),
  sha256: z.string().nullable(),
  schema_version: z.number().int().nullable(),
  verified: z.boolean().meta({ description: 'Opened read-only after writing: `PRAGMA integrity_check` said ok and the ledger check found no problem.' }),
  integrity: z.string().nullable(),
  ledger_ok: z.boolean().nullable(),
  ledger_problems: z.number().int().nullable(),
  transfers: z.number().int().nullable(),
  took_ms: z.number().nullable().meta({ description: 'Copy, verification and checksum, in milliseconds.' }),
  copy_ms: z.number().nullable(),
  verify_ms: z.number().nullable(),
  error: z.string().nullable(),
});

export const BackupSettings = z.object({
  interval_hours: z.number().meta({ description: 'A backup is taken when the last one is this old (0: no schedule). Default 24.' }),
  keep: z.number().int().meta({ description: 'Scheduled and manual backups kept; older ones are deleted after each new verified backup. Default 7.' }),
  dir: z.string().nullable().meta({ description: 'The folder the operator chose, or null for `<data dir>/backups`.' }),
  effective_dir: z.string(),
});

export const UpdateBackupSettings = z.strictObject({
  interval_hours: z.number().min(0).max(24 * 366).optional(),
  keep: z.number().int().min(1).max(1000).optional(),
  dir: z.string().min(1).max(1024).nullable().optional().meta({ description: 'An absolute path on the engine\'s machine; null goes back to `<data dir>/backups`.' }),
});

/** The age of the last backup, as health and the overview report it. */
export const BackupStatus = z.object({
  last_at: IsoTime.nullable().meta({ description: 'When the last verified backup began.' }),
  age_seconds: z.number().nullable(),
  last_error: z.string().nullable().meta({ description: 'Why the latest attempt failed, if it did.' }),
  interval_hours: z.number(),
  overdue: z.boolean().meta({ description: 'A schedule is set and the last verified backup is older than twice its interval (or there is none after one interval of uptime).' }),
  running: z.boolean(),
});

export const BackupList = z.object({
  data: z.array(Backup).meta({ description: 'Newest first.' }),
  status: BackupStatus,
  settings: BackupSettings,
});
