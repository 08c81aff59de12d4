/** Tollgate's version, in a module of its own so the HTTP thread can name it without loading the engine. */
export const VERSION = '0.1.0';
