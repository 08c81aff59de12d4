import { OPERATION_LIST, type Operation } from '../../shared/contract/operations';
import { pathParams } from '../../shared/contract/openapi';

export interface RouteMatch {
  op: Operation;
  params: Record<string, string>;
}

interface Pattern {
  op: Operation;
  regex: RegExp;
  names: string[];
}

/**
 * Maps method + path to an operation of the contract. Static paths are a Map lookup (the hot
 * ingestion routes); paths with `{params}` are tried as regexes.
 */
export class Router {
  private readonly exact = new Map<string, Operation>();
  private readonly patterns: Pattern[] = [];
  private readonly knownPaths = new Set<string>();

  constructor(ops: Operation[] = OPERATION_LIST) {
    for (const op of ops) {
      const names = pathParams(op.path);
      if (!names.length) {
        this.exact.set(`${op.method} ${op.path}`, op);
        this.knownPaths.add(op.path);
      } else {
        const regex = new RegExp('^' + op.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[a-z_]+\\?\}/g, '([^/]+)') + '$');
        this.patterns.push({ op, regex, names });
      }
    }
  }

  /** The operation, or `method_not_allowed` when the path exists with other methods, or null. */
  match(method: string, path: string): RouteMatch | 'method_not_allowed' | null {
    const op = this.exact.get(`${method} ${path}`);
    if (op) return { op, params: {} };
    let pathKnown = this.knownPaths.has(path);
    for (const p of this.patterns) {
      const m = p.regex.exec(path);
      if (!m) continue;
      if (p.op.method !== method) {
        pathKnown = true;
        continue;
      }
      const params: Record<string, string> = {};
      p.names.forEach((n, i) => {
        params[n] = safeDecode(m[i + 1]!);
      });
      return { op: p.op, params };
    }
    return pathKnown ? 'method_not_allowed' : null;
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
