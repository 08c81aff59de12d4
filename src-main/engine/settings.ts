import type { z } from 'zod';
import type { Settings as SettingsOut, UpdateSettings } from '../../shared/contract/pricing';
import { isValidTimeZone } from '../../shared/time';
import type { EngineContext } from './context';
import { fail } from './errors';

export interface OperatorSettings {
  billing_timezone: string;
  grace_period_hours: number;
  late_events: 'refuse' | 'current_period';
}

const DEFAULTS: OperatorSettings = { billing_timezone: 'UTC', grace_period_hours: 1, late_events: 'refuse' };

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
    return { ...DEFAULTS, ...(text ? (JSON.parse(text) as Partial<OperatorSettings>) : {}) };
  }

  get(): OperatorSettings {
    return this.current;
  }

  update(input: z.output<typeof UpdateSettings>): z.output<typeof SettingsOut> {
    if (input.billing_timezone !== undefined && !isValidTimeZone(input.billing_timezone)) {
      fail('validation_failed', `billing_timezone ${JSON.stringify(input.billing_timezone)} is not an IANA time zone.`, { issues: [{ path: ['billing_timezone'], message: 'unknown time zone' }] });
    }
    const previous = this.current;
    const next: OperatorSettings = { ...previous, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
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
