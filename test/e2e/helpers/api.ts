import { createClient, type TollgateClient } from '../../../shared/client/index';
import { E2E_ADMIN_KEY, E2E_PORT } from '../../../playwright.config';

export const ADMIN_KEY = E2E_ADMIN_KEY;
export const BASE_URL = `http://127.0.0.1:${E2E_PORT}`;

/** The typed client of shared/, with the admin key, against a server (the webServer by default). */
export function api(baseUrl = BASE_URL, apiKey = ADMIN_KEY): TollgateClient {
  return createClient({ baseUrl, apiKey });
}

/** Ignore "already exists" so seeding is repeatable. */
export async function ensure<T>(p: Promise<T>): Promise<T | null> {
  try {
    return await p;
  } catch (e) {
    if ((e as { code?: string }).code === 'already_exists') return null;
    throw e;
  }
}

/** A unique suffix per test run, so specs sharing one server never collide. */
export function uid(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`;
}
