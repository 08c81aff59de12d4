import { WEBHOOK_EVENT_TYPES } from './notify';
import { toSchema } from './json-schema';
import { COALESCED_TYPES, WEBHOOK_MESSAGES, WEBHOOK_TEST_TYPE, webhookMessage, webhookTestMessage, type WebhookType } from './webhook-messages';

/**
 * The OpenAPI `webhooks` map: `message` says how every message is signed, delivered and coalesced;
 * one entry per type (keyed by the type) gives its exact payload, generated from the same zod
 * schemas the payload test holds the engine to.
 */

const SIGNATURE =
  "Headers: `Tollgate-Webhook-Id: <id>` (the message id, the same on every retry) and `Tollgate-Signature: t=<unix seconds>,v1=<hex>`, where `v1` is HMAC-SHA256 keyed with the endpoint's whole secret (including its `whsec_` prefix) over the string `<t>.<raw body>`. Compare in constant time and refuse a message whose `t` is more than five minutes from now.";
const DELIVERY =
  'Delivery is at least once and may be out of order: skip ids you have processed. Answer 2xx within 10 s; otherwise it is retried after 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h, 6 h, 12 h, 24 h, 24 h and 24 h (±20 % jitter), then kept as a dead letter (`GET /v1/webhook-deliveries?status=dead`).';
const COALESCING = `High-rate types (${COALESCED_TYPES.map((t) => `\`${t}\``).join(', ')}) are coalesced per customer per minute: the first goes at once with \`count: 1\`, the rest of the minute arrive as one summary with \`coalesced: true\`, \`count\`, \`window_start\` and \`reasons\`.`;
const MONEY = 'Amounts are strings of integers in the minor unit of the asset the message names (`asset`, or an invoice\'s `currency`), never floats.';

const HEADERS = [
  { name: 'Tollgate-Webhook-Id', in: 'header', required: true, schema: { type: 'string' } },
  { name: 'Tollgate-Signature', in: 'header', required: true, schema: { type: 'string', pattern: '^t=\\d+,v1=[0-9a-f]{64}$' } },
];
const RESPONSES = { '2XX': { description: 'Received; anything else (or no answer within 10 s) is retried.' } };

function post(summary: string, description: string, schema: unknown) {
  return { post: { summary, description, parameters: HEADERS, requestBody: { required: true, content: { 'application/json': { schema } } }, responses: RESPONSES } };
}

/** Any message: the envelope, with the general rules. */
function anyMessage() {
  return post(
    'A webhook message, posted to each enabled endpoint subscribed to its type.',
    [
      SIGNATURE,
      DELIVERY,
      COALESCING,
      `Types: ${WEBHOOK_EVENT_TYPES.map((t) => `\`${t}\``).join(', ')}. Each has its own entry in \`webhooks\`, named after it, with the exact \`data\` it carries. ${MONEY}`,
    ].join('\n\n'),
    {
      type: 'object',
      required: ['id', 'type', 'created_at', 'api_version', 'data'],
      properties: {
        id: { type: 'string' },
        type: { type: 'string', enum: [...WEBHOOK_EVENT_TYPES] },
        created_at: { type: 'string', format: 'date-time' },
        api_version: { type: 'string' },
        data: { type: 'object', additionalProperties: true, description: 'What the message is about; its fields depend on `type` (see the entry of that type).' },
      },
    },
  );
}

function oneType(type: WebhookType) {
  const { when } = WEBHOOK_MESSAGES[type];
  const coalesced = (COALESCED_TYPES as readonly string[]).includes(type) ? [COALESCING] : [];
  return post(`\`${type}\`: ${when}`, [when, ...coalesced, MONEY, SIGNATURE, DELIVERY].join('\n\n'), toSchema(webhookMessage(type), 'output'));
}

/** The test message: sent on request to one endpoint, never subscribed to. */
function testMessage() {
  const when = 'Sent only when you ask for it (`POST /v1/webhook-endpoints/{id}/test`), to that endpoint, whatever types it subscribes to: nothing happened. Not retried and not in the delivery log; the request\'s answer says what the endpoint answered.';
  return post(`\`${WEBHOOK_TEST_TYPE}\`: a test, on request`, [when, SIGNATURE].join('\n\n'), toSchema(webhookTestMessage(), 'output'));
}

export function webhooksDoc(): Record<string, unknown> {
  return { message: anyMessage(), ...Object.fromEntries(WEBHOOK_EVENT_TYPES.map((t) => [t, oneType(t)])), [WEBHOOK_TEST_TYPE]: testMessage() };
}
