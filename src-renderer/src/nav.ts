import { Activity, Calculator, FileText, Gauge, HeartPulse, LayoutDashboard, Rocket, ScrollText, Settings, Tags, TicketPercent, Users, Webhook } from 'lucide-react';
import type { ComponentType } from 'react';
import { MOD_KEY_LABEL } from './lib/keys';

export interface NavItem {
  path: string;
  label: string;
  /** `g` then this key goes there. */
  key: string;
  icon: ComponentType<{ size?: number; strokeWidth?: number }>;
  description: string;
}

export const NAV: NavItem[] = [
  { path: '/', label: 'Overview', key: 'o', icon: LayoutDashboard, description: 'Balances, revenue, events per minute, what needs attention' },
  { path: '/customers', label: 'Customers', key: 'c', icon: Users, description: 'Customers and their wallets' },
  { path: '/monitor', label: 'Wallet monitor', key: 'w', icon: Gauge, description: 'Live burn rate and time to empty' },
  { path: '/invoices', label: 'Invoices', key: 'i', icon: FileText, description: 'Drafts, finalized invoices, payments, credit notes, billing runs, exports' },
  { path: '/plans', label: 'Plans', key: 'p', icon: Tags, description: 'Plans, charges and metrics' },
  { path: '/coupons', label: 'Coupons', key: 'u', icon: TicketPercent, description: 'Discounts: fixed or percentage, once, for N periods or forever' },
  { path: '/events', label: 'Events', key: 'e', icon: Activity, description: 'Live event stream and refused requests' },
  { path: '/webhooks', label: 'Webhooks & alerts', key: 'h', icon: Webhook, description: 'Endpoints, the delivery log, dead letters, alerts' },
  { path: '/audit', label: 'Audit log', key: 'a', icon: ScrollText, description: 'Who changed what, when, from where, before and after' },
  { path: '/operations', label: 'Operations', key: 'r', icon: HeartPulse, description: 'Health, runtime stats, webhook queue, backups age, ledger check' },
  { path: '/tco', label: 'TCO calculator', key: 't', icon: Calculator, description: 'What billing costs you, compared' },
  { path: '/settings', label: 'Settings', key: 's', icon: Settings, description: 'API keys, endpoint, billing, backups, imports and exports' },
  { path: '/start', label: 'Getting started', key: 'g', icon: Rocket, description: 'Checklist, snippets and a test event' },
];

export interface Shortcut {
  keys: string[];
  description: string;
  scope: string;
}

export const SHORTCUTS: Shortcut[] = [
  { keys: [MOD_KEY_LABEL, 'K'], description: 'Command palette: pages, customers, pasted ids', scope: 'Global' },
  { keys: ['?'], description: 'Show keyboard shortcuts', scope: 'Global' },
  { keys: ['/'], description: 'Focus the search of the page', scope: 'Global' },
  ...NAV.filter((n) => n.key !== 'g').map((n) => ({ keys: ['g', n.key], description: `Go to ${n.label}`, scope: 'Navigation' })),
  { keys: ['g', 'g'], description: 'Go to Getting started', scope: 'Navigation' },
  { keys: [MOD_KEY_LABEL, 'Shift', 'P'], description: 'Blur amounts (screen sharing)', scope: 'Global' },
  { keys: ['J'], description: 'Next row', scope: 'Lists' },
  { keys: ['K'], description: 'Previous row', scope: 'Lists' },
  { keys: ['↓'], description: 'Next row', scope: 'Lists' },
  { keys: ['↑'], description: 'Previous row', scope: 'Lists' },
  { keys: ['Enter'], description: 'Open the selected row', scope: 'Lists' },
  { keys: ['T'], description: 'Top up (customer page)', scope: 'Customer' },
  { keys: ['A'], description: 'Adjust balance (customer page)', scope: 'Customer' },
  { keys: ['Space'], description: 'Pause or resume the stream / re-sorting', scope: 'Live tables' },
  { keys: ['Enter'], description: 'Next tier cell; on the last cell, add a tier', scope: 'Plan editor' },
];
