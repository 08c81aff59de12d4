import Ajv2020 from 'ajv/dist/2020.js';
import { openApiDocument } from '../../src-main/http/server';

type Doc = ReturnType<typeof openApiDocument>;
interface Route {
  method: string;
  regex: RegExp;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
}

let routes: Route[] | null = null;
let ajv: InstanceType<typeof Ajv2020> | null = null;
const compiled = new Map<unknown, ReturnType<InstanceType<typeof Ajv2020>['compile']>>();

function load(): Route[] {
  if (routes) return routes;
  const doc = openApiDocument() as Doc & { paths: Record<string, Record<string, { responses: Route['responses'] }>> };
  ajv = new Ajv2020({ strict: false, allErrors: true });
  ajv.addSchema({ $id: 'tollgate', components: doc.components } as object);
  routes = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    const regex = new RegExp('^' + path.replace(/\{[a-z_]+\}/g, '[^/]+') + '$');
    for (const [method, op] of Object.entries(methods)) routes.push({ method: method.toUpperCase(), regex, responses: op.responses });
  }
  // Static paths first, so /v1/events/refused wins over a parameter route.
  routes.sort((a, b) => a.regex.source.split('[^/]+').length - b.regex.source.split('[^/]+').length);
  return routes;
}

/**
 * Checks an answer of the server against the OpenAPI document: the route and status must be
 * documented, and the body must validate against the documented schema. Throws with the reasons.
 */
export function assertMatchesOpenApi(method: string, path: string, status: number, body: unknown): void {
  const pathname = path.split('?')[0]!;
  const route = load().find((r) => r.method === method && r.regex.test(pathname));
  if (!route) {
    if (status === 404 || status === 405) return; // unknown routes are answered with the common error shape
    throw new Error(`OpenAPI has no route ${method} ${pathname}`);
  }
  const response = route.responses[String(status)];
  if (!response) throw new Error(`OpenAPI documents no ${status} for ${method} ${pathname} (documented: ${Object.keys(route.responses).join(', ')})`);
  let schema = response.content?.['application/json']?.schema as Record<string, unknown> | undefined;
  if (!schema) return;
  if (schema.$ref === '#/components/schemas/Error') schema = { $ref: 'tollgate#/components/schemas/Error' };
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv!.compile(schema);
    compiled.set(schema, validate);
  }
  if (!validate(body)) {
    throw new Error(`${method} ${pathname} ${status}: body does not match the OpenAPI schema: ${ajv!.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`);
  }
}
