import { z } from 'zod';

export type JsonSchema = Record<string, unknown> & { properties?: Record<string, JsonSchema>; required?: string[] };

/**
 * The one zod → JSON Schema conversion of the API document (operations and webhooks alike), so every
 * schema in it reads the same way. `output` describes what Tollgate sends: objects list every field
 * it may send and no other (`additionalProperties: false`).
 */
export function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete out.$schema;
  return out;
}
