import * as m001 from './001-ledger';
import * as m002 from './002-billing';
import * as m003 from './003-stats';
import * as m004 from './004-invoicing';
import * as m005 from './005-webhooks';
import * as m007 from './007-operations';
import * as m006 from './006-imports';
import * as m008 from './008-lookup-indexes';
import * as m009 from './009-refusal-details';
import * as m010 from './010-chargeback-split';
import * as m011 from './011-period-transfer-bound';
import * as m012 from './012-plan-subscription-counts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Forward-only, numbered. Append a new file for every change; never edit one that has shipped:
 * databases in the field hold its result.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'ledger', sql: m001.sql },
  { version: 2, name: 'billing', sql: m002.sql },
  { version: 3, name: 'stats', sql: m003.sql },
  { version: 4, name: 'invoicing', sql: m004.sql },
  { version: 5, name: 'webhooks', sql: m005.sql },
  { version: 6, name: 'imports', sql: m006.sql },
  { version: 7, name: 'operations', sql: m007.sql },
  { version: 8, name: 'lookup indexes', sql: m008.sql },
  { version: 9, name: 'refusal details', sql: m009.sql },
  { version: 10, name: 'chargeback split', sql: m010.sql },
  { version: 11, name: 'period transfer bound', sql: m011.sql },
  { version: 12, name: 'plan subscription counts', sql: m012.sql },
];

export const LATEST_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
