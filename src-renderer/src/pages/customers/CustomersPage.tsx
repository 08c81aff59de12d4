import { Badge, Box, Button, Group, Loader, Text, TextInput, Tooltip, VisuallyHidden } from '@mantine/core';
import { useVirtualizer } from '@tanstack/react-virtual';
import { Plus, Search, Users, X } from 'lucide-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate, useSearchParams } from 'react-router';
import { type ApiError, call, type OutputOf } from '../../api';
import { PageHeader } from '../../components/common';
import { LiveCreditUsed, LiveWalletStatus } from '../../components/WalletStatus';
import { LiveAmount } from '../../components/LiveAmount';
import { ErrorState, NothingMatches, NothingYet, TableSkeleton } from '../../components/states';
import { useTitle } from '../../lib/chart';
import { formatCount } from '../../lib/format';
import { useListKeys } from '../../lib/keys';
import { Money } from '../../lib/money';
import { useLive } from '../../state/live';
import { assetLike } from '../../state/assets';
import { CreateCustomerDialog } from './CreateCustomerDialog';
import { VirtualBody, VirtualHead, VirtualRow, VirtualTable } from '../../components/VirtualTable';

type Row = OutputOf<'listCustomerWallets'>['data'][number];
const PAGE = 100;

/** A customer's balances with currencies first (the list shows the first, others behind +N). */
function currencyFirst(row: Row): Row {
  const custom = (a: string) => Number(assetLike(a).kind === 'custom');
  return { ...row, balances: [...row.balances].sort((x, y) => custom(x.asset) - custom(y.asset) || x.asset.localeCompare(y.asset)) };
}
const ROW_H = 58;
const COLS = 'minmax(220px, 2.2fr) minmax(110px, 1fr) minmax(170px, 1.3fr) 110px 100px';

/** The first balance's status: the API's, recomputed by the same rule when a live available moves. */
function Status({ row }: { row: Row }) {
  const b = row.balances[0];
  if (!b) return <Text size="sm" c="dimmed">No wallet</Text>;
  return <LiveWalletStatus customer={row.external_id} asset={b.asset} row={{ ...b, billing_mode: row.billing_mode }} />;
}

function OtherAssets({ row }: { row: Row }) {
  const rest = row.balances.slice(1);
  if (rest.length === 0) return null;
  return (
    <Tooltip
      label={
        <Box>
          {rest.map((b) => (
            <Group key={b.asset} justify="space-between" gap="lg">
              <Text size="xs">{b.asset}</Text>
              <Money amount={b.available} asset={b.asset} size="xs" />
            </Group>
          ))}
        </Box>
      }
    >
      <Badge variant="default" size="sm" className="tg-num" tabIndex={0}>
        +{rest.length}
        <VisuallyHidden> more assets: {rest.map((b) => b.asset).join(', ')}</VisuallyHidden>
      </Badge>
    </Tooltip>
  );
}

export function CustomersPage() {
  useTitle('Customers');
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  // The query answers from local state at once; the URL follows a moment later (shareable, not on the hot path).
  const [search, setSearchState] = useState(() => params.get('q') ?? '');
  useEffect(() => {
    const t = setTimeout(() => {
      if ((params.get('q') ?? '') === search) return;
      const next = new URLSearchParams(params);
      if (search) next.set('q', search);
      else next.delete('q');
      setParams(next, { replace: true });
    }, 400);
    return () => clearTimeout(t);
  }, [search, params, setParams]);
  const [rows, setRows] = useState<Row[]>([]);
  const [total, setTotal] = useState<number | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [active, setActive] = useState(-1);
  const [creating, setCreating] = useState(false);
  const [grandTotal, setGrandTotal] = useState<number | null>(null);
  const seq = useRef(0);
  const epoch = useLive((s) => s.epoch);
  const customersSeq = useLive((s) => s.customersSeq);
  const scrollRef = useRef<HTMLDivElement>(null);

  // Time to empty per wallet, for the Low status.

  const load = useCallback(
    (q: string) => {
      const mine = ++seq.current;
      setError(null);
      call('listCustomerWallets', { limit: PAGE, ...(q ? { search: q } : {}) })
        .then((page) => {
          if (mine !== seq.current) return;
          setRows(page.data.map(currencyFirst));
          setTotal(page.total);
          if (!q) setGrandTotal(page.total);
          setCursor(page.next_cursor);
          setLoading(false);
          setActive((a) => (a >= page.data.length ? -1 : a));
        })
        .catch((e: ApiError) => {
          if (mine !== seq.current) return;
          setError(e);
          setLoading(false);
        });
    },
    [],
  );
  useEffect(() => load(search), [search, epoch, load]);
  // A customer created elsewhere: refresh the first page (cheap), keep the scroll.
  useEffect(() => {
    if (customersSeq) load(search);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [customersSeq]);

  const loadMore = useCallback(() => {
    if (!cursor || loadingMore) return;
    const mine = seq.current;
    setLoadingMore(true);
    call('listCustomerWallets', { limit: PAGE, cursor, ...(search ? { search } : {}) })
      .then((page) => {
        if (mine !== seq.current) return;
        setRows((r) => [...r, ...page.data.map(currencyFirst)]);
        setCursor(page.next_cursor);
      })
      .catch((e: ApiError) => setError(e))
      .finally(() => setLoadingMore(false));
  }, [cursor, loadingMore, search]);

  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  useEffect(() => {
    const last = items[items.length - 1];
    if (last && last.index >= rows.length - 20) loadMore();
  }, [items, rows.length, loadMore]);

  const open = (i: number) => {
    const r = rows[i];
    if (r) navigate(`/customers/${encodeURIComponent(r.external_id)}/wallet`);
  };
  useListKeys(rows.length, active, (i) => {
    setActive(i);
    virtualizer.scrollToIndex(i, { align: 'auto' });
  }, open);

  const setSearch = (q: string) => setSearchState(q);

  const nothingAtAll = !loading && !error && !search && total === 0;

  return (
    <>
      <PageHeader
        title="Customers"
        count={total}
        description="Every customer with a live balance per asset. Search runs on the server over external id, name and email."
        actions={
          <Button leftSection={<Plus size={16} />} onClick={() => setCreating(true)}>
            New customer
          </Button>
        }
      >
        <Group mt="sm" gap="sm">
          <TextInput
            data-page-search
            placeholder="Search customers"
            aria-label="Search customers"
            leftSection={<Search size={16} />}
            rightSection={
              search ? (
                <X size={14} style={{ cursor: 'pointer' }} onClick={() => setSearch('')} aria-label="Clear search" role="button" />
              ) : (
                <span className="tg-kbd">/</span>
              )
            }
            value={search}
            onChange={(e) => setSearch(e.currentTarget.value)}
            w={360}
            data-testid="customer-search"
          />
          {search && total !== null && grandTotal !== null && (
            <Text size="sm" c="dimmed" data-testid="customer-count">
              {formatCount(total)} of {formatCount(grandTotal)} match
            </Text>
          )}
        </Group>
      </PageHeader>

      {error && rows.length === 0 ? (
        <ErrorState error={error} onRetry={() => load(search)} what="customers" />
      ) : loading ? (
        <TableSkeleton rows={10} cols={5} />
      ) : nothingAtAll ? (
        <NothingYet
          icon={<Users size={28} />}
          title="No customers yet"
          description="A customer is who you bill: it owns a wallet per asset, a subscription, and the events it sends."
          action={
            <Button leftSection={<Plus size={16} />} onClick={() => setCreating(true)}>
              New customer
            </Button>
          }
        />
      ) : rows.length === 0 ? (
        <NothingMatches onClear={() => setSearch('')} what="customers" />
      ) : (
        <div className="tg-vlist" ref={scrollRef} style={{ ['--tg-vmin' as string]: '800px', height: 'calc(100vh - 250px)', minHeight: 360 }} data-testid="customer-list">
          <VirtualTable label={`Customers, ${formatCount(total ?? rows.length)} in total`} rowCount={total ?? rows.length}>
            <VirtualHead columns={COLS} labels={[{ label: 'Customer' }, { label: 'Plan' }, { label: 'Available', right: true }, { label: 'Status' }, { label: 'Billing' }]} />
            <VirtualBody height={virtualizer.getTotalSize()}>
              {items.map((vi) => {
                const r = rows[vi.index]!;
                const b = r.balances[0];
                return (
                  <VirtualRow index={vi.index} key={r.external_id} data-active={vi.index === active} style={{ top: vi.start, height: ROW_H, gridTemplateColumns: COLS }} data-testid="customer-row" data-customer={r.external_id} onClick={() => open(vi.index)}>
                    <Box miw={0}>
                      <a href={`#/customers/${encodeURIComponent(r.external_id)}/wallet`} onClick={(e) => e.stopPropagation()} style={{ color: 'inherit', textDecoration: 'none' }}>
                        <Group gap={6} wrap="nowrap" miw={0}>
                          <Text size="sm" fw={600} truncate c={r.status === 'active' ? undefined : 'dimmed'}>
                            {r.name ?? r.external_id}
                          </Text>
                          {r.status !== 'active' && (
                            <Badge size="xs" variant="light" color={r.status === 'closed' ? 'red' : 'gray'} style={{ flexShrink: 0 }} data-testid="customer-status-badge">
                              {r.status}
                            </Badge>
                          )}
                        </Group>
                      </a>
                      <Text size="xs" c="dimmed" ff="monospace" truncate>
                        {r.external_id}
                      </Text>
                    </Box>
                    <Box>{r.plan ? <Badge variant="light" color="gray" tt="none" ff="monospace">{r.plan}</Badge> : <Text size="sm" c="dimmed">—</Text>}</Box>
                    <Box miw={0} ta="right">
                      <Group justify="flex-end" gap={6} wrap="nowrap">
                        {b ? <LiveAmount customer={r.external_id} asset={b.asset} fallback={b.available} size="sm" fw={500} postpaid={r.billing_mode === 'postpaid'} /> : <Text size="sm" c="dimmed">—</Text>}
                        <OtherAssets row={r} />
                      </Group>
                      {b && <LiveCreditUsed customer={r.external_id} asset={b.asset} wallet={{ ...b, billing_mode: r.billing_mode }} truncate="end" />}
                    </Box>
                    <Box>
                      <Status row={r} />
                    </Box>
                    <Text size="sm" c="dimmed" tt="capitalize">
                      {r.billing_mode}
                    </Text>
                  </VirtualRow>
                );
              })}
            </VirtualBody>
          </VirtualTable>
          {loadingMore && (
            <Group justify="center" py="xs">
              <Loader size="xs" role="status" aria-label="Loading more customers" />
            </Group>
          )}
        </div>
      )}
      <CreateCustomerDialog
        opened={creating}
        onClose={() => setCreating(false)}
        onCreated={(c) => {
          setCreating(false);
          navigate(`/customers/${encodeURIComponent(c.external_id)}/wallet`);
        }}
      />
    </>
  );
}
