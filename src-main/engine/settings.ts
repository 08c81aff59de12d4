import type { z } from 'zod';
import type { Settings as SettingsOut, UpdateSettings } from '../../shared/contract/pricing';
import { isValidTimeZone } from '../../shared/time';
import type { EngineContext } from './context';
import { fail } from './errors';

export interface CompanySettings {
  legal_name: string;
  address: string[];
  country: string | null;
  tax_id: string | null;
  email: string | null;
  /** SVG markup printed at the top of documents; null: the legal name instead. */
  logo_svg: string | null;
}

export interface OperatorSettings {
  billing_timezone: string;
  grace_period_hours: number;
  late_events: 'refuse' | 'current_period';
  company: CompanySettings;
  default_currency: string;
  invoice_prefix: string;
  payment_terms_days: number;
  /** false: an invoice with nothing to bill is closed without a number instead (Lago's finalize_zero_amount_invoice). */
  finalize_zero_amount_invoices: boolean;
  tax_point: 'invoice' | 'top_up';
  tax_rate: string;
  tax_inclusive: boolean;
  legal_retention_days: number;
  personal_event_properties: string[];
}

const DEFAULTS: OperatorSettings = {
  billing_timezone: 'UTC',
  grace_period_hours: 1,
  late_events: 'refuse',
  company: { legal_name: 'Your company', address: [], country: null, tax_id: null, email: null, logo_svg: null },
  default_currency: 'USD',
  invoice_prefix: 'TG',
  payment_terms_days: 30,
  finalize_zero_amount_invoices: true,
  tax_point: 'invoice',
  tax_rate: '0',
  tax_inclusive: false,
  legal_retention_days: 3650,
  personal_event_properties: [],
};

/** Operator settings, kept in the database (meta) so every door and restart sees the same. */
export class Settings {
  private current: OperatorSettings;

  constructor(private readonly ctx: EngineContext) {
    this.current = this.load();
    ctx.settings.billingTimezone = this.current.billing_timezone;
    ctx.registerCache(() => {
      this.current = this.load();
      ctx.settings.billingTimezone = this.current.billing_timezone;
    });
  }

  private load(): OperatorSettings {
    const text = this.ctx.store.getMeta('settings');
    const stored = text ? (JSON.parse(text) as Partial<OperatorSettings>) : {};
    return { ...DEFAULTS, ...stored, company: { ...DEFAULTS.company, ...stored.company } };
  }

  get(): OperatorSettings {
    return this.current;
  }

  update(input: z.output<typeof UpdateSettings>): z.output<typeof SettingsOut> {
    if (input.billing_timezone !== undefined && !isValidTimeZone(input.billing_timezone)) {
      fail('validation_failed', `billing_timezone ${JSON.stringify(input.billing_timezone)} is not an IANA time zone.`, { issues: [{ path: ['billing_timezone'], message: 'unknown time zone' }] });
    }
    const previous = this.current;
    const { company, ...rest } = input;
    const next: OperatorSettings = {
      ...previous,
      ...Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)),
      company: { ...previous.company, ...Object.fromEntries(Object.entries(company ?? {}).filter(([, v]) => v !== undefined)) },
    } as OperatorSettings;
    this.ctx.store.setMeta('settings', JSON.stringify(next));
    this.current = next;
    this.ctx.settings.billingTimezone = next.billing_timezone;
    this.ctx.onUndo(() => {
      this.current = previous;
      this.ctx.settings.billingTimezone = previous.billing_timezone;
    });
    return next;
  }
}
