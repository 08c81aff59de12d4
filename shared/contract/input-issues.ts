import type { z } from 'zod';

export interface InputIssue {
  path: (string | number)[];
  message: string;
}

function valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let v = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

/**
 * A failed parse as the API reports it: each issue's path and message. A field that is absent says
 * `required`, instead of zod's "expected string, received undefined" or a field's own format rule
 * (such as an amount's), which read as if a value had been sent.
 */
export function inputIssues(error: z.ZodError, input: unknown): InputIssue[] {
  return error.issues.map((i) => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    const absent = path.length > 0 && (i.code === 'invalid_type' || i.code === 'invalid_union') && valueAt(input, path) === undefined;
    return { path, message: absent ? 'required' : i.message };
  });
}

/** `customer: required; amount: must be …`: the issues in one line, `whole` naming an issue without a path. */
export function issuesText(issues: readonly InputIssue[], whole: string): string {
  return issues.map((i) => `${i.path.join('.') || whole}: ${i.message}`).join('; ');
}
