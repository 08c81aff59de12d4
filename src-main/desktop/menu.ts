import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  openDataFolder: () => void;
  openApiDocument: () => void;
  openDocs: () => void;
  openConsoleInBrowser: () => void;
  backupNow: () => void;
  restoreBackup: () => void;
  catchUp: () => void;
}

/** The application menu, as data: the usual roles, plus Tollgate's own actions. */
export function menuTemplate(actions: MenuActions, platform: NodeJS.Platform, packaged: boolean): MenuItemConstructorOptions[] {
  const mac = platform === 'darwin';
  return [
    ...(mac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Back up now', click: actions.backupNow },
        { label: 'Restore from a backup…', click: actions.restoreBackup },
        { label: 'Catch up now (expiries, billing, webhooks)', click: actions.catchUp },
        { type: 'separator' },
        { label: 'Open data folder', click: actions.openDataFolder },
        { label: 'Open console in browser', click: actions.openConsoleInBrowser },
        { type: 'separator' },
        mac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [{ role: 'reload' }, ...(packaged ? [] : [{ role: 'toggleDevTools' as const }]), { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'Tollgate documentation', click: actions.openDocs },
        { label: 'API document (OpenAPI)', click: actions.openApiDocument },
      ],
    },
  ];
}
