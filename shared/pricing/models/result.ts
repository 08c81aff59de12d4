import type { Dec } from '../../decimal';

/** What a charge model computes from the units it is given. */
export interface ModelPrice {
  /** Exact, unrounded, in major units of the charge's asset. */
  amount: Dec;
  /** The units the model charged for, after its own free units (package, percentage). */
  billableUnits: Dec;
}
