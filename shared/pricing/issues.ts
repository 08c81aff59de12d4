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

/**
 * An issue's path from the charge itself: properties' paths gain their `properties` prefix; the
 * charge-level `allowance` and `model` stay as they are (the metric's `rounding` too).
 */
export function pathInCharge(path: IssuePath): IssuePath {
  return path[0] === 'allowance' || path[0] === 'model' || path[0] === 'rounding' ? path : ['properties', ...path];
}

/** `charges[1].properties.unit_price: must be a decimal string, …`: an issue named from the plan. */
export function chargeIssue(index: number, issue: PricingIssue): { path: IssuePath; code: string; message: string } {
  const path = pathInCharge(issue.path);
  return { path: ['charges', index, ...path], code: issue.code, message: `charges[${index}].${formatPath(path)}: ${issue.message.replace(/^[^:]*: /, '')}` };
}

