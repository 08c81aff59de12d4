import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { renderDocument } from '../../../src-main/documents/render';
import { invoice, seller, buyer, line } from '../fixtures';
it('ln', async () => {
  const longName = 'Internationale Gesellschaft für Datenverarbeitung, Cloud-Infrastruktur und Maschinelles Lernen mit beschränkter Haftung & Co. Kommanditgesellschaft auf Aktien';
  writeFileSync('/tmp/exp/ln.pdf', await renderDocument(invoice({
    seller: { ...seller, legalName: longName, address: ['Very Long Street Name That Goes On And On Avenue, Building 7, Floor 12, Suite 1200-B, Industrial Park North'] },
    buyer: { ...buyer, email: 'accounts-payable-department.europe-middle-east-africa@very-long-domain-name.example.com', taxId: 'DE123456789-BRANCH-0001-INTRA-COMMUNITY' },
    lines: [
      line({ description: 'Enterprise platform subscription including priority support, dedicated account management, 99.99% uptime SLA, single sign-on, audit logs, custom data retention, regional data residency in the European Union, and unlimited seats for all affiliated entities of the customer group, as agreed in the master services agreement', period: 'Nov 1 – Nov 30, 2026 (prorated from the upgrade on Nov 12, 2026 at 14:32 UTC)' }),
      line({ description: 'Reference https://billing.example.com/invoices/TG-2026-000123/line-items/abcdefghijklmnopqrstuvwxyz0123456789', period: null }),
      line({ description: 'Usage', quantity: '123456789012.123456', unit: 'GPU_HOURS', unitPrice: '0.000000123456', amount: '1234567890123' }),
    ],
  })));
});
