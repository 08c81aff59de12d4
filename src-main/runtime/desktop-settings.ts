import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/**
 * The desktop app's own settings (desktop.json in its user-data folder): where the engine runs and
 * how local apps reach it. Operator settings (company, tax, billing) live in the database instead.
 */
export const DesktopSettingsSchema = z.strictObject({
  mode: z.enum(['local', 'remote']).meta({ description: '`local`: run the engine on this machine; `remote`: be the console of a Tollgate in serve mode elsewhere.' }),
  port: z.number().int().min(1).max(65535),
  host: z.enum(['127.0.0.1', '::1', 'localhost']).meta({ description: 'The desktop endpoint is for apps on this machine; serve mode (with TLS) is for anything wider.' }),
  dataDir: z.string().min(1).nullable().meta({ description: 'Null: the default data dir (shared with `tollgate serve` on this machine).' }),
  remoteUrl: z.string().url().refine((u) => /^https:\/\//.test(u) || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(u), { error: 'a remote Tollgate must be reached over https (plain http only on this machine)' }).nullable(),
  /** The API key for the remote, encrypted by the OS keychain when it can (Electron safeStorage). */
  remoteKey: z.string().nullable(),
});
export type DesktopSettings = z.output<typeof DesktopSettingsSchema>;

export const DEFAULT_DESKTOP_SETTINGS: DesktopSettings = { mode: 'local', port: 8787, host: '127.0.0.1', dataDir: null, remoteUrl: null, remoteKey: null };

/** Reads the settings; a missing or unreadable file gives the defaults (and says why, for the log). */
export function loadDesktopSettings(file: string): { settings: DesktopSettings; problem: string | null } {
  if (!existsSync(file)) return { settings: DEFAULT_DESKTOP_SETTINGS, problem: null };
  try {
    const parsed = DesktopSettingsSchema.safeParse({ ...DEFAULT_DESKTOP_SETTINGS, ...(JSON.parse(readFileSync(file, 'utf8')) as object) });
    if (parsed.success) return { settings: parsed.data, problem: null };
    return { settings: DEFAULT_DESKTOP_SETTINGS, problem: `${file} is not valid (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); using the defaults.` };
  } catch (err) {
    return { settings: DEFAULT_DESKTOP_SETTINGS, problem: `${file} could not be read (${(err as Error).message}); using the defaults.` };
  }
}

/** Validates and writes atomically (a crash never leaves half a file). */
export function saveDesktopSettings(file: string, next: unknown): { ok: true; settings: DesktopSettings } | { ok: false; message: string } {
  const parsed = DesktopSettingsSchema.safeParse(next);
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.') || '(settings)'}: ${i.message}`).join('; ') };
  if (parsed.data.mode === 'remote' && (!parsed.data.remoteUrl || !parsed.data.remoteKey)) return { ok: false, message: 'Remote mode needs the server URL and an API key.' };
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(parsed.data, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
  return { ok: true, settings: parsed.data };
}
