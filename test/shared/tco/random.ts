/** Seeded randomness for the property tests: the same seed gives the same scenarios on every run. */
import { BILLING_CYCLES, defaultFeatures, defaultOptions, withFeatureNeeded, withLineValue, DEFAULT_SCENARIO, type TcoInput } from '../../../shared/tco';

/** mulberry32: small, fast, good enough to spread test cases. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const int = (rng: () => number, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
export const pick = <T>(rng: () => number, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
/** A decimal string with up to `places` decimals in [0, max]: built from integers, never from a float. */
export const decimal = (rng: () => number, max: number, places = 2): string => {
  const scale = 10 ** places;
  const n = int(rng, 0, max * scale);
  const whole = Math.floor(n / scale);
  const frac = String(n % scale).padStart(places, '0');
  return places === 0 ? String(whole) : `${whole}.${frac}`;
};

/** A scenario and presets spread widely enough that break-evens land inside small search windows. */
export function randomInput(rng: () => number): TcoInput {
  const scenario = {
    ...DEFAULT_SCENARIO,
    customers: int(rng, 0, 5000),
    avgMonthlySpend: decimal(rng, 200),
    eventsPerCustomerPerMonth: pick(rng, [0, 10, 500, 1000, 2500, 20_000, int(rng, 0, 50_000)]),
    seats: int(rng, 0, 50),
    pspPercent: decimal(rng, 5),
    pspFixed: decimal(rng, 1),
    horizonMonths: int(rng, 1, 120),
    billingCycle: pick(rng, BILLING_CYCLES),
    paymentTermsDays: int(rng, 0, 90),
    engineeringHourCost: decimal(rng, 250),
    topUpsPerCustomerPerMonth: pick(rng, ['0.5', '1', '2', '3', '7', '4.5']),
    activeWalletSharePercent: pick(rng, ['100', '90', '33.3', '0', decimal(rng, 100, 1)]),
    featureUpkeepPercentPerMonth: decimal(rng, 5),
  };
  let options = defaultOptions();
  options = withLineValue(options, 'credyt.eventPrice', rng() < 0.2 ? null : decimal(rng, 0.001, 6));
  options = withLineValue(options, 'lagoCloud.subscription', rng() < 0.2 ? null : decimal(rng, 5000, 0));
  options = withLineValue(options, 'credyt.walletPrice', decimal(rng, 2));
  options = withLineValue(options, 'tollgate.perMillionEvents', decimal(rng, 20));
  options = withLineValue(options, 'lagoSelfHosted.eventsCapacity', String(int(rng, 0, 20_000_000)));
  let features = defaultFeatures();
  for (const f of features) features = withFeatureNeeded(features, f.id, rng() < 0.6);
  return { scenario, options, features };
}
