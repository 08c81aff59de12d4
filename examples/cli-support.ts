/**
 * What the example scripts share: where Tollgate is, amounts for people, and one-line errors.
 */
import { TollgateApiError } from '../shared/client';
import { TollgateUnavailableError } from '../shared/client/resilient';
import { minorToDecimal } from '../shared/money';

export const DEFAULT_URL = 'http://127.0.0.1:8787';

/** The Tollgate the examples talk to: TOLLGATE_URL, or serve mode's default address. */
export const tollgateUrl = (): string => process.env.TOLLGATE_URL || DEFAULT_URL;

/** An amount in minor units (an integer string) for people: "1" with scale 2 -> "0.01 USD". Exact, no floats. */
export function formatAmount(minor: string | bigint, scale: number, asset: string): string {
  return `${minorToDecimal(minor, scale)} ${asset}`;
}

/** The network error under a failed fetch (`TypeError: fetch failed` with a `cause`), if that is what this is. */
function networkCode(err: unknown): string | null {
  let failedFetch = false;
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code; // ECONNREFUSED, ENOTFOUND...
    if (e instanceof TypeError && e.message === 'fetch failed') failedFetch = true;
  }
  return failedFetch ? 'network error' : null;
}

/** One line for an error a user of the examples can act on; null for a bug (print the stack then). */
export function describeFailure(err: unknown, url: string): string | null {
  const unreachable = err instanceof TollgateUnavailableError ? err.reason : networkCode(err);
  if (unreachable) {
    return `Cannot reach Tollgate at ${url} (${unreachable}). Start it with \`npm run serve\`, or set TOLLGATE_URL to where it runs (TOLLGATE_URL=http://127.0.0.1:<port>).`;
  }
  if (err instanceof TollgateApiError) {
    if (err.status === 401) return `Tollgate at ${url} refused the key (${err.code}: ${err.message.replace(/\.$/, '')}). Set TOLLGATE_KEY to a key it issued (serve mode prints the admin key on its first start).`;
    if (err.status === 403) return `The key in TOLLGATE_KEY may not do this (${err.code}: ${err.message}).`;
    return `Tollgate answered ${err.status} ${err.code}: ${err.message}`;
  }
  return null;
}

/** Runs an example's main: a known failure is one line on stderr and exit code 1; anything else keeps its stack. */
export function runMain(main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const line = describeFailure(err, tollgateUrl());
    console.error(line ?? err);
    process.exit(1);
  });
}
