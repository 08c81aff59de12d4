/**
 * The desktop window's security, as data (tested without Electron): an isolated, sandboxed renderer
 * with no Node, that may show only the console's own files, opens web links in the browser, and
 * gets no permission it asks for (notifications come from the main process).
 */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const;

/** The renderer may stay on its own page (any hash or query of it), and go nowhere else. */
export function isAllowedNavigation(target: string, rendererUrl: string): boolean {
  try {
    const a = new URL(target);
    const b = new URL(rendererUrl);
    return a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

/** Links the console may hand to the OS browser or mail client; anything else is dropped. */
export function isExternalLink(url: string): boolean {
  try {
    return ['https:', 'http:', 'mailto:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/** Every permission a page may ask for (camera, geolocation, notifications, ...) is refused. */
export const ALLOWED_PERMISSIONS: ReadonlySet<string> = new Set();

/** IPC is answered only for the console's own page (not a frame, not another origin). */
export function isTrustedSender(senderUrl: string | undefined, rendererUrl: string): boolean {
  return senderUrl !== undefined && isAllowedNavigation(senderUrl, rendererUrl);
}
