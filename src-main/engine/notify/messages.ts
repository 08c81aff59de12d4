import type { z } from 'zod';
import type { Invoice } from '../../../shared/contract/invoicing';
import type { WebhookData } from '../../../shared/contract/webhook-messages';

/**
 * The data of `invoice.finalized` and `invoice.overdue`: the invoice without its lines (a message
 * stays small; the invoice route has them), with the customer and asset named like every message.
 */
export function invoiceMessage(invoice: z.output<typeof Invoice>): WebhookData<'invoice.finalized'> {
  const { lines: _lines, ...withoutLines } = invoice;
  return { customer: invoice.customer, asset: invoice.currency, invoice: withoutLines };
}
