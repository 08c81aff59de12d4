/**
 * Verifying Tollgate's webhooks in your app (Node 18+, Deno, Bun, browsers: Web Crypto only).
 *
 *   const ok = await verifyWebhook(secret, req.headers['tollgate-signature'], rawBody);
 *
 * The signature header is `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. Use the
 * raw body exactly as received (not re-serialized JSON). Messages older than the tolerance are
 * refused, so a captured message cannot be replayed later. Delivery is at least once and not in
 * order: keep the envelope `id` of what you processed and skip repeats.
 */
export interface WebhookEnvelope<T = Record<string, unknown>> {
  id: string;
  type: string;
  created_at: string;
  api_version: string;
  data: T;
}

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('');

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export async function verifyWebhook(secret: string, signatureHeader: string | null | undefined, rawBody: string, opts: { toleranceSeconds?: number; nowSeconds?: number } = {}): Promise<boolean> {
  if (!signatureHeader) return false;
  const m = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(signatureHeader.trim());
  if (!m) return false;
  const t = Number(m[1]);
  const now = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - t) > (opts.toleranceSeconds ?? 300)) return false;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = hex(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${t}.${rawBody}`)));
  return constantTimeEqual(mac, m[2]!);
}
