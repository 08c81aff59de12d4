export * from './civil';
export * from './zone';
export * from './timestamp';
export * from './periods';
