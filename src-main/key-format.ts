/**
 * The shape of an API key, `tg_<id>_<secret>`: its own module so the CLI's thread can check
 * TOLLGATE_ADMIN_KEY before the engine starts without loading engine code.
 */
export const KEY_RE = /^tg_([a-z0-9]{8,32})_([A-Za-z0-9_-]{16,128})$/;

/** The rule in words, for messages and help. */
export const KEY_FORMAT = 'tg_<id>_<secret>, with <id> 8-32 lowercase letters or digits and <secret> 16-128 characters of A-Z a-z 0-9 _ -';
