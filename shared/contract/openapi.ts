import { ERROR_CODES, type ErrorCode } from './errors';
import { type JsonSchema, toSchema } from './json-schema';
import { webhooksDoc } from './openapi-webhooks';
import { OPERATION_LIST, type Operation } from './operations';

const PATH_PARAM = /\{([a-z_]+)\}/g;

export function pathParams(path: string): string[] {
  return [...path.matchAll(PATH_PARAM)].map((m) => m[1]!);
}

function without(schema: JsonSchema, keys: string[]): JsonSchema {
  if (!schema.properties) return schema;
  const properties = { ...schema.properties };
  for (const k of keys) delete properties[k];
  return { ...schema, properties, required: (schema.required ?? []).filter((r) => !keys.includes(r)) };
}

const ErrorSchema: JsonSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message', 'details'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_CODES) },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
};

/** Errors every authenticated operation may answer, whatever it does. */
const COMMON_ERRORS: ErrorCode[] = ['validation_failed', 'unauthenticated', 'forbidden', 'rate_limited', 'internal_error', 'storage_unavailable'];
const BODY_ERRORS: ErrorCode[] = ['invalid_json', 'payload_too_large', 'unsupported_media_type', 'validation_failed'];

/** Routes outside the operation table (no key needed, or not JSON). */
export interface ExtraRoute {
  method: 'get' | 'post';
  path: string;
  summary: string;
  tag: string;
  responses: Record<string, unknown>;
  security?: unknown[];
}

/**
 * The OpenAPI 3.1 document, generated from the same operation table and zod schemas the server
 * validates with, so the document cannot drift from the code.
 */
export function buildOpenApi(opts: { version: string; serverUrl?: string; extraRoutes?: ExtraRoute[]; description?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATION_LIST) {
    paths[op.path] ??= {};
    paths[op.path]![op.method.toLowerCase()] = operationDoc(op);
  }
  for (const r of opts.extraRoutes ?? []) {
    paths[r.path] ??= {};
    paths[r.path]![r.method] = { summary: r.summary, tags: [r.tag], responses: r.responses, ...(r.security ? { security: r.security } : {}) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tollgate API',
      version: opts.version,
      description:
        opts.description ??
        'Real-time multi-asset wallets, pre-usage authorization and Lago-grade pricing on your own machine. Amounts are strings of integers in the asset\'s minor unit (JSON integers accepted on input), never floats. Errors are `{"error": {"code", "message", "details"}}`.',
    },
    servers: [{ url: opts.serverUrl ?? 'http://127.0.0.1:8787' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An API key `tg_<id>_<secret>`.' } },
      schemas: { Error: ErrorSchema },
    },
    tags: [...new Set(OPERATION_LIST.map((o) => o.tag))].map((name) => ({ name })),
    paths,
    webhooks: webhooksDoc(),
  };
}

function operationDoc(op: Operation) {
  const params = pathParams(op.path);
  const input = toSchema(op.documentedInput ?? op.input, 'input');
  const parameters: unknown[] = params.map((name) => ({ name, in: 'path', required: true, schema: input.properties?.[name] ?? { type: 'string' } }));
  let requestBody: unknown;
  if (op.method === 'GET') {
    for (const [name, schema] of Object.entries(without(input, params).properties ?? {})) {
      parameters.push({ name, in: 'query', required: (input.required ?? []).includes(name), schema, ...(schema.description ? { description: schema.description } : {}) });
    }
  } else {
    const body = without(input, params);
    requestBody = { required: (body.required ?? []).length > 0, content: { 'application/json': { schema: body } } };
  }
  const errors = new Set<ErrorCode>([...op.errors, ...COMMON_ERRORS, ...(op.method === 'GET' ? [] : BODY_ERRORS)]);
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errors) {
    const status = ERROR_CODES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const replayKey = op.replayKey ?? (input.properties?.idempotency_key ? 'idempotency_key' : null);
  const replayHeader = { 'Idempotent-Replayed': { description: '`true` on a replay: the original result, nothing written again. Absent otherwise.', schema: { type: 'string', enum: ['true'] } } };
  const responses: Record<string, unknown> = {
    [op.status]: {
      description: op.status === 201 ? 'Created.' : replayKey ? 'OK (also a replay of the same request, marked by the `Idempotent-Replayed` header).' : 'OK.',
      ...(replayKey && op.status !== 201 ? { headers: replayHeader } : {}),
      content: { 'application/json': { schema: toSchema(op.output, 'output') } },
    },
  };
  if (op.status === 201 && replayKey) responses['200'] = { description: `A replay (the same \`${replayKey}\` and the same request as before): the original result, nothing written again.`, headers: replayHeader, content: { 'application/json': { schema: toSchema(op.output, 'output') } } };
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[status] = { description: codes.map((c) => `\`${c}\`: ${ERROR_CODES[c].description}`).join(' '), content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
  }
  return {
    operationId: op.id,
    summary: op.summary,
    tags: [op.tag],
    'x-scope': op.scope,
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses,
  };
}
