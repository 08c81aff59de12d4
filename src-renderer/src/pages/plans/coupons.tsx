import { Badge, Group, Text, type TextProps } from '@mantine/core';
import { call, type OutputOf } from '../../api';
import { Money } from '../../lib/money';

export type Coupon = OutputOf<'listCoupons'>['data'][number];
export type AppliedCoupon = OutputOf<'listAppliedCoupons'>['data'][number];

/** Every coupon, page after page (the API pages by code, at most 500 a page). */
export async function listAllCoupons(): Promise<Coupon[]> {
  const all: Coupon[] = [];
  let cursor: string | undefined;
  do {
    const page = await call('listCoupons', { limit: 500, ...(cursor ? { cursor } : {}) });
    all.push(...page.data);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return all;
}

/** "15" -> "15%", "12.50" -> "12.5%": by string, so the stored decimal is shown exactly. */
export function formatPercent(p: string): string {
  const [int, frac = ''] = p.split('.');
  const f = frac.replace(/0+$/, '');
  const i = (int ?? '0').replace(/^(-?)0+(?=\d)/, '$1');
  return `${i.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${f ? `.${f}` : ''}%`;
}

/** "once", "3 billing periods", "forever". */
export function durationLabel(c: Pick<Coupon, 'frequency' | 'periods'>): string {
  if (c.frequency === 'recurring') return `${c.periods ?? '?'} billing period${c.periods === 1 ? '' : 's'}`;
  return c.frequency;
}

/** What the duration means for this coupon (the engine's rules, src-main/engine/billing/coupons.ts). */
export function durationHint(c: Pick<Coupon, 'kind' | 'frequency'>): string {
  if (c.frequency === 'once') return c.kind === 'fixed' ? 'until the amount is used up' : 'one billing period';
  return c.frequency === 'forever' ? 'off every billing period' : 'off each period, then ends';
}

/** The discount as money at the asset's scale, or as a percentage. */
export function CouponDiscount({ coupon, ...rest }: { coupon: Pick<Coupon, 'kind' | 'amount' | 'asset' | 'percentage'> } & Omit<TextProps, 'children'>) {
  if (coupon.kind === 'fixed' && coupon.amount !== null && coupon.asset) return <Money amount={coupon.amount} asset={coupon.asset} {...rest} />;
  return (
    <Text component="span" className="tg-num" {...rest}>
      {coupon.percentage !== null ? formatPercent(coupon.percentage) : '—'}
    </Text>
  );
}

/** Plans and metrics a coupon is limited to, or "All plans". */
export function CouponLimits({ coupon }: { coupon: Pick<Coupon, 'plans' | 'metrics'> }) {
  if (!coupon.plans.length && !coupon.metrics.length)
    return (
      <Text size="sm" c="dimmed">
        All plans and charges
      </Text>
    );
  return (
    <Group gap={4}>
      {coupon.plans.map((p) => (
        <Badge key={`p-${p}`} variant="light" color="blue" tt="none" radius="sm">
          plan {p}
        </Badge>
      ))}
      {coupon.metrics.map((m) => (
        <Badge key={`m-${m}`} variant="light" color="gray" tt="none" radius="sm">
          metric {m}
        </Badge>
      ))}
    </Group>
  );
}

export const isExpired = (c: Pick<Coupon, 'expires_at'>, now = Date.now()) => c.expires_at !== null && new Date(c.expires_at).getTime() <= now;

/** One line for pickers and notifications: "$50.00 off, once" / "15% off, 3 billing periods". */
export function couponSummary(c: Coupon, formatMoney: (amount: string, asset: string) => string): string {
  const off = c.kind === 'fixed' && c.amount !== null && c.asset ? formatMoney(c.amount, c.asset) : c.percentage !== null ? formatPercent(c.percentage) : '?';
  return `${off} off, ${durationLabel(c)}`;
}
