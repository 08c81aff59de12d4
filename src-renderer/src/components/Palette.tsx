import { Badge, Group, Text } from '@mantine/core';
import { createSpotlight, Spotlight } from '@mantine/spotlight';
import { Archive, CreditCard, FileText, Hash, Lock, Plus, Search, Skull, User } from 'lucide-react';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate } from 'react-router';
import { call } from '../api';
import { NAV } from '../nav';

/** The palette's own store, so it can select its first action (Mantine 9.7 exports no action for that). */
export const [paletteStore, palette] = createSpotlight();

/** Marks the first action of the open palette as selected (DOM and store), as Mantine's arrow keys do. */
function selectFirstAction(): void {
  const { listId } = paletteStore.getState();
  const list = listId ? document.getElementById(listId) : null;
  if (!list) return;
  const actions = list.querySelectorAll('[data-action]');
  list.querySelectorAll('[data-selected]').forEach((el) => el.removeAttribute('data-selected'));
  const first = actions[0];
  if (!first) {
    paletteStore.updateState((s) => ({ ...s, selected: -1 }));
    return;
  }
  first.setAttribute('data-selected', 'true');
  first.scrollIntoView({ block: 'nearest' });
  paletteStore.updateState((s) => ({ ...s, selected: 0 }));
}

interface Hit {
  id: string;
  label: string;
  description: string;
  to: string;
  kind: 'customer' | 'hold' | 'top_up' | 'subscription' | 'plan' | 'invoice';
}

const KIND_ICON = { customer: User, hold: Lock, top_up: CreditCard, subscription: Hash, plan: Hash, invoice: FileText } as const;
/** An invoice number (PREFIX-YYYY-000123) or id (inv_…). */
const INVOICE_REF = /^(inv_[0-9A-Z]+|[A-Z0-9][A-Z0-9-]{0,15}-\d{4}-\d{1,9})$/i;

/**
 * ⌘/Ctrl+K: pages and actions, customers found on the server, and any id pasted (external_id,
 * hold id `auth_…`, top-up `tu_…`, subscription `sub_…`, plan code) resolved to its page.
 */
export function Palette() {
  const navigate = useNavigate();
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<Hit[]>([]);
  const [searching, setSearching] = useState(false);

  useEffect(() => {
    const q = query.trim();
    if (q.length < 2) {
      setHits([]);
      return;
    }
    let cancelled = false;
    setSearching(true);
    const t = setTimeout(async () => {
      const found: Hit[] = [];
      const lookups: Promise<void>[] = [];
      if (/^auth_/i.test(q)) {
        lookups.push(
          call('getAuthorization', { id: q }).then((a) => {
            found.push({ id: `hold-${a.id}`, label: `Hold ${a.id}`, description: `${a.status} · ${a.customer} · ${a.asset}`, to: `/customers/${encodeURIComponent(a.customer)}/wallet`, kind: 'hold' });
          }),
        );
      } else if (/^tu_/i.test(q)) {
        lookups.push(
          call('getTopUp', { id: q }).then((t2) => {
            found.push({ id: `tu-${t2.id}`, label: `Top-up ${t2.id}`, description: `${t2.status} · ${t2.customer}`, to: `/customers/${encodeURIComponent(t2.customer)}/activity`, kind: 'top_up' });
          }),
        );
      } else if (/^sub_/i.test(q)) {
        lookups.push(
          call('getSubscription', { id: q }).then((s) => {
            found.push({ id: `sub-${s.id}`, label: `Subscription ${s.id}`, description: `${s.plan} · ${s.customer}`, to: `/customers/${encodeURIComponent(s.customer)}/subscription`, kind: 'subscription' });
          }),
        );
      }
      if (INVOICE_REF.test(q)) {
        lookups.push(
          call('getInvoice', { id: /^inv_/i.test(q) ? q : q.toUpperCase() }).then((inv) => {
            found.push({ id: `inv-${inv.id}`, label: `Invoice ${inv.number ?? inv.id}`, description: `${inv.status.replace('_', ' ')} · ${inv.customer} · ${inv.currency}`, to: `/invoices/${encodeURIComponent(inv.id)}`, kind: 'invoice' });
          }),
        );
      }
      lookups.push(
        call('listCustomerWallets', { search: q, limit: 6 }).then((page) => {
          for (const c of page.data) found.push({ id: `c-${c.external_id}`, label: c.name ? `${c.name}` : c.external_id, description: `Customer · ${c.external_id}${c.plan ? ` · ${c.plan}` : ''}`, to: `/customers/${encodeURIComponent(c.external_id)}/wallet`, kind: 'customer' });
        }),
      );
      if (/^[A-Za-z0-9][A-Za-z0-9_.:-]*$/.test(q)) {
        lookups.push(
          call('getPlan', { code: q }).then((p) => {
            found.push({ id: `p-${p.code}`, label: `Plan ${p.name}`, description: `${p.code} · v${p.version}`, to: `/plans/${encodeURIComponent(p.code)}`, kind: 'plan' });
          }),
        );
      }
      await Promise.allSettled(lookups);
      if (!cancelled) {
        setHits(found);
        setSearching(false);
      }
    }, 120);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [query]);

  const pages = useMemo(
    () => [
      ...NAV.map((n) => ({ id: `nav-${n.path}`, label: n.label, description: n.description, to: n.path, icon: n.icon, hint: `g ${n.key}` })),
      { id: 'new-plan', label: 'Create a plan', description: 'Open the plan editor with the live price preview', to: '/plans/new', icon: Plus, hint: '' },
      { id: 'new-coupon', label: 'Create a coupon', description: 'A fixed or percentage discount for customers', to: '/coupons?new=1', icon: Plus, hint: '' },
      { id: 'refused', label: 'Refused requests', description: 'Refused events and declined authorizations, by reason, with fix hints', to: '/events/refused', icon: Search, hint: '' },
      { id: 'keys', label: 'API keys', description: 'Create, list and revoke keys', to: '/settings/keys', icon: Lock, hint: '' },
      { id: 'overdue', label: 'Overdue invoices', description: 'Finalized, past due, something outstanding', to: '/invoices?status=overdue', icon: FileText, hint: '' },
      { id: 'drafts', label: 'Draft invoices', description: 'Periods in their grace period, to finalize', to: '/invoices?status=draft', icon: FileText, hint: '' },
      { id: 'dead', label: 'Dead letters', description: 'Webhook deliveries that gave up: replay them', to: '/webhooks/deliveries?status=dead', icon: Skull, hint: '' },
      { id: 'backups', label: 'Backups', description: 'Back up now, the schedule, every backup verified', to: '/settings/backups', icon: Archive, hint: '' },
    ],
    [],
  );
  const q = query.trim().toLowerCase();
  const shownPages = pages.filter((p) => !q || p.label.toLowerCase().includes(q) || p.description.toLowerCase().includes(q));

  // Mantine 9.7 has no `selectFirstActionOnQueryChange`: select the first action ourselves whenever
  // the query or the list under it changes, so Enter opens the first result (hits arrive later than
  // the pages, and the first result moves then).
  const listKey = `${q}|${hits.map((h) => h.id).join(',')}|${shownPages.map((p) => p.id).join(',')}`;
  useEffect(() => {
    if (!q) return;
    const raf = requestAnimationFrame(selectFirstAction);
    return () => cancelAnimationFrame(raf);
  }, [listKey, q]);

  const go = (to: string) => {
    navigate(to);
    palette.close();
  };

  return (
    <Spotlight.Root store={paletteStore} query={query} onQueryChange={setQuery} shortcut={['mod + K']} scrollable maxHeight={480}>
      <Spotlight.Search placeholder="Search pages, customers, or paste an id (invoice number, auth_…, tu_…, sub_…)" leftSection={<Search size={18} />}
        aria-label="Command palette search"
        onKeyDown={(e) => {
          // Enter right after typing (before the selection effect ran): open the first result.
          if ((e.key === 'Enter' || e.nativeEvent.code === 'NumpadEnter') && query.trim()) {
            const { listId } = paletteStore.getState();
            if (!document.getElementById(listId)?.querySelector('[data-selected]')) selectFirstAction();
          }
        }}
      />
      <Spotlight.ActionsList>
        {hits.length > 0 && (
          <Spotlight.ActionsGroup label="Results">
            {hits.map((h) => {
              const Icon = KIND_ICON[h.kind];
              return (
                <Spotlight.Action key={h.id} onClick={() => go(h.to)} leftSection={<Icon size={18} />} label={h.label} description={h.description} />
              );
            })}
          </Spotlight.ActionsGroup>
        )}
        {shownPages.length > 0 && (
          <Spotlight.ActionsGroup label="Pages">
            {shownPages.map((p) => {
              const Icon = p.icon;
              return (
                <Spotlight.Action
                  key={p.id}
                  onClick={() => go(p.to)}
                  leftSection={<Icon size={18} />}
                  rightSection={p.hint ? <Badge variant="default" size="sm" ff="monospace">{p.hint}</Badge> : null}
                  label={p.label}
                  description={p.description}
                />
              );
            })}
          </Spotlight.ActionsGroup>
        )}
        {hits.length === 0 && shownPages.length === 0 && (
          <Spotlight.Empty>
            <Group gap="xs">
              <Text size="sm" c="dimmed">
                {searching ? 'Searching…' : `Nothing found for "${query}".`}
              </Text>
            </Group>
          </Spotlight.Empty>
        )}
      </Spotlight.ActionsList>
    </Spotlight.Root>
  );
}
