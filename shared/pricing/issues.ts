/**
 * Validation issues of a charge's properties: where (`path`, relative to the charge's `properties`,
 * or `['allowance']` / `['rounding', ...]` / `['model']`), a stable `code` clients can branch on,
 * and a `message` that names the place itself, so it reads on its own in a log or an API answer.
 */
export type IssuePath = (string | number)[];

export interface PricingIssue {
  path: IssuePath;
  code: string;
  message: string;
}

/** `['graduated_ranges', 2, 'from_value']` -> `graduated_ranges[2].from_value`. */
export function formatPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? part : `.${part}`;
  }
  return text === '' ? 'properties' : text;
}

export function issue(path: IssuePath, code: string, detail: string): PricingIssue {
  return { path, code, message: `${formatPath(path)}: ${detail}` };
}
