/** The TCO model: scenario inputs, sourced presets, the comparison, break-evens, risk and CSV. */
export * from './sources';
export * from './traced';
export * from './inputs';
export * from './presets';
export * from './features';
export * from './volumes';
export * from './cost';
export * from './breakeven';
export * from './risk';
export * from './model';
export * from './canonical';
export * from './csv';
