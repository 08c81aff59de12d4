import { useEffect, useRef } from 'react';

/** True when the key press belongs to a text field (shortcuts must not steal typing). */
export function isEditable(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'range'].includes(type);
  }
  return el.isContentEditable;
}

function modalOpen(): boolean {
  return !!document.querySelector('[role="dialog"][aria-modal="true"], .mantine-Modal-content, .mantine-Spotlight-content');
}

/**
 * The global `g` prefix (`g` then a letter goes to a page): page keys ignore the letter that
 * follows a `g`, so `g t` opens the TCO page without also opening the top-up dialog.
 */
export const gPrefix: { at: number; consumed: KeyboardEvent | null } = { at: 0, consumed: null };
const inGPrefix = (e: KeyboardEvent) => gPrefix.consumed === e || (e.key !== 'g' && gPrefix.at > 0 && Date.now() - gPrefix.at < 1200);

/** A key on the page (no modifiers, not typing, no dialog open). */
export function usePageKey(handlers: Record<string, (e: KeyboardEvent) => void>, enabled = true): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || isEditable(e.target) || modalOpen() || inGPrefix(e)) return;
      const h = ref.current[e.key] ?? ref.current[e.key.toLowerCase()];
      if (h) h(e);
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled]);
}

/**
 * J/K or ↓/↑ move the selection in a list, Enter opens it (as lago-front's useListKeyNavigation).
 * Arrows also work from the page's search field, so you can type and go down.
 */
export function useListKeys(count: number, active: number, setActive: (i: number) => void, onOpen: (i: number) => void, enabled = true): void {
  const state = useRef({ count, active, setActive, onOpen });
  state.current = { count, active, setActive, onOpen };
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey || modalOpen() || inGPrefix(e)) return;
      const s = state.current;
      const inSearch = (e.target as HTMLElement | null)?.hasAttribute?.('data-page-search') ?? false;
      if (isEditable(e.target) && !(inSearch && (e.key === 'ArrowDown' || e.key === 'ArrowUp' || e.key === 'Enter'))) return;
      if (s.count === 0) return;
      if (e.key === 'j' || e.key === 'ArrowDown') {
        e.preventDefault();
        s.setActive(Math.min(s.count - 1, s.active < 0 ? 0 : s.active + 1));
      } else if (e.key === 'k' || e.key === 'ArrowUp') {
        e.preventDefault();
        s.setActive(Math.max(0, s.active - 1));
      } else if (e.key === 'Enter' && s.active >= 0) {
        e.preventDefault();
        s.onOpen(s.active);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [enabled]);
}

/** True on macOS (and iOS), where the palette's modifier is ⌘; elsewhere it is Ctrl. */
export function isApplePlatform(): boolean {
  if (typeof navigator === 'undefined') return false;
  const nav = navigator as Navigator & { userAgentData?: { platform?: string } };
  const platform = nav.userAgentData?.platform || nav.platform || nav.userAgent || '';
  return /mac|iphone|ipad|ipod/i.test(platform);
}

/** The label of the "mod" key of shortcuts: "⌘" on a Mac, "Ctrl" elsewhere. */
export const MOD_KEY_LABEL = isApplePlatform() ? '⌘' : 'Ctrl';
