import { useCallback, useEffect, useRef, useState } from 'react';
import { type ApiError, toApiError } from '../api';
import { useLive } from '../state/live';

export interface QueryState<T> {
  data: T | undefined;
  error: ApiError | null;
  /** True until the first answer (show skeletons). */
  loading: boolean;
  /** True while any request is in flight (keep showing the old data). */
  fetching: boolean;
  reload: () => void;
  /** Replace the data locally (after a write answered with the new object). */
  setData: (data: T) => void;
}

export interface QueryOptions {
  /** Keep showing the previous data while new deps load (filters); default: reset (another object). */
  keepPreviousData?: boolean;
  /** Poll every N ms (paused while the tab is hidden). */
  refreshMs?: number;
  /** Reload when the live feed says hello again (a reconnect, a server restart). Default true. */
  reloadOnHello?: boolean;
  enabled?: boolean;
}

/**
 * A small data hook: one request per change of `deps`, stale answers dropped, old data kept while
 * reloading, and a reload whenever the live connection is re-established.
 */
export function useQuery<T>(fn: () => Promise<T>, deps: readonly unknown[], options: QueryOptions = {}): QueryState<T> {
  const { refreshMs, reloadOnHello = true, enabled = true, keepPreviousData = false } = options;
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | null>(null);
  const [fetching, setFetching] = useState(false);
  const [loaded, setLoaded] = useState(false);
  const seq = useRef(0);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const epoch = useLive((s) => (reloadOnHello ? s.epoch : 0));
  // Another object (new deps): never show the previous one's data while the new one loads.
  const depsKey = JSON.stringify(deps);
  const lastDeps = useRef(depsKey);
  if (lastDeps.current !== depsKey) {
    lastDeps.current = depsKey;
    if (!keepPreviousData) {
      seq.current++;
      if (data !== undefined) setData(undefined);
      if (loaded) setLoaded(false);
      if (error) setError(null);
    }
  }

  const run = useCallback(() => {
    const mine = ++seq.current;
    setFetching(true);
    fnRef
      .current()
      .then((d) => {
        if (mine !== seq.current) return;
        setData(d);
        setError(null);
        setLoaded(true);
      })
      .catch((e: unknown) => {
        if (mine !== seq.current) return;
        setError(toApiError(e));
        setLoaded(true);
      })
      .finally(() => {
        if (mine === seq.current) setFetching(false);
      });
  }, []);

  useEffect(() => {
    if (!enabled) return;
    run();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, epoch, enabled]);

  useEffect(() => {
    if (!refreshMs || !enabled) return;
    const t = setInterval(() => {
      if (document.visibilityState === 'visible') run();
    }, refreshMs);
    return () => clearInterval(t);
  }, [refreshMs, enabled, run]);

  return { data, error, loading: !loaded && enabled, fetching, reload: run, setData };
}

/** Runs `fn` at most once per `ms` while `trigger` keeps changing (live-driven refetches). */
export function useThrottledEffect(fn: () => void, trigger: unknown, ms: number): void {
  const last = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const wait = last.current + ms - Date.now();
    if (wait <= 0) {
      last.current = Date.now();
      fnRef.current();
    } else if (!timer.current) {
      timer.current = setTimeout(() => {
        timer.current = null;
        last.current = Date.now();
        fnRef.current();
      }, wait);
    }
  }, [trigger, ms]);
  useEffect(() => () => {
    if (timer.current) clearTimeout(timer.current);
  }, []);
}
