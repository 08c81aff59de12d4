import { homedir, platform } from 'node:os';
import { join } from 'node:path';

/**
 * The default data dir: the same folder the desktop app uses (Electron's userData + /data), so
 * serve mode and the desktop app find the same ledger. They never run on it at once (the lock).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.TOLLGATE_DATA_DIR) return env.TOLLGATE_DATA_DIR;
  switch (platform()) {
    case 'darwin':
      return join(homedir(), 'Library', 'Application Support', 'Tollgate', 'data');
    case 'win32':
      return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Tollgate', 'data');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Tollgate', 'data');
  }
}
