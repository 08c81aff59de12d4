import { Badge, Button, Group, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Plus, Search, TicketPercent } from 'lucide-react';
import { useUrlParams } from '../../lib/url-params';
import { PageHeader } from '../../components/common';
import { ErrorState, NothingMatches, NothingYet, TableSkeleton } from '../../components/states';
import { useTitle } from '../../lib/chart';
import { formatDate, formatDateTime } from '../../lib/format';
import { formatAmount } from '../../lib/money';
import { useQuery } from '../../lib/useQuery';
import { assetLike } from '../../state/assets';
import { CreateCouponDialog } from './CreateCouponDialog';
import { CouponDiscount, CouponLimits, couponSummary, durationHint, durationLabel, isExpired, listAllCoupons } from './coupons';

/** Coupons: what exists, how much each takes off, for how long, and where. `?new=1` opens the create dialog. */
export function CouponsPage() {
  useTitle('Coupons');
  const [params, setParam] = useUrlParams();
  const q = params.get('q') ?? '';
  const creating = params.get('new') === '1';
  const coupons = useQuery(() => listAllCoupons(), []);
  const all = coupons.data ?? [];
  const shown = all.filter((c) => !q || `${c.name} ${c.code} ${c.asset ?? ''} ${c.plans.join(' ')} ${c.metrics.join(' ')}`.toLowerCase().includes(q.toLowerCase()));
  const newButton = (
    <Button leftSection={<Plus size={16} />} onClick={() => setParam('new', '1')}>
      New coupon
    </Button>
  );
  const now = Date.now();
  return (
    <>
      <PageHeader
        title="Coupons"
        count={coupons.data ? all.length : null}
        description="A coupon takes a fixed amount or a percentage off a customer's fixed fees and postpaid usage, before tax: once, for a number of billing periods, or forever, optionally only on some plans or metrics. Apply one from a customer's Subscription tab."
        actions={newButton}
      >
        <TextInput data-page-search mt="sm" w={320} placeholder="Filter coupons" aria-label="Filter coupons" leftSection={<Search size={16} />} value={q} onChange={(e) => setParam('q', e.currentTarget.value || null)} />
      </PageHeader>
      {coupons.error ? (
        <ErrorState error={coupons.error} onRetry={coupons.reload} what="coupons" />
      ) : coupons.loading ? (
        <TableSkeleton rows={4} cols={6} />
      ) : all.length === 0 ? (
        <NothingYet
          icon={<TicketPercent size={28} />}
          title="No coupons yet"
          description="A coupon is a discount you apply to customers: $50.00 off once, 20% off for 3 billing periods, or 10% off forever."
          action={newButton}
        />
      ) : shown.length === 0 ? (
        <NothingMatches onClear={() => setParam('q', null)} what="coupons" />
      ) : (
        <Table.ScrollContainer minWidth={860}>
          <Table aria-label="Coupons" verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Coupon</Table.Th>
                <Table.Th className="tg-right" w={150}>
                  Discount
                </Table.Th>
                <Table.Th w={200}>Duration</Table.Th>
                <Table.Th>Limited to</Table.Th>
                <Table.Th w={130}>Expires</Table.Th>
                <Table.Th w={130}>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {shown.map((c) => {
                const expired = isExpired(c, now);
                return (
                  <Table.Tr key={c.code} data-testid="coupon-row" data-code={c.code}>
                    <Table.Td>
                      <Text fw={600} size="sm">
                        {c.name}
                      </Text>
                      <Text size="xs" c="dimmed" ff="monospace">
                        {c.code}
                      </Text>
                    </Table.Td>
                    <Table.Td className="tg-right">
                      <Stack gap={0} align="flex-end">
                        <CouponDiscount coupon={c} size="sm" fw={600} data-testid="coupon-discount" />
                        <Text size="xs" c="dimmed">
                          {c.kind === 'fixed' ? 'fixed amount' : 'percentage'}
                        </Text>
                      </Stack>
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm" data-testid="coupon-duration">
                        {durationLabel(c)}
                      </Text>
                      <Text size="xs" c="dimmed">
                        {durationHint(c)}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <CouponLimits coupon={c} />
                    </Table.Td>
                    <Table.Td>
                      {c.expires_at === null ? (
                        <Text size="sm" c="dimmed">
                          never
                        </Text>
                      ) : (
                        <Group gap={6} wrap="nowrap">
                          <Tooltip label={formatDateTime(c.expires_at)} withArrow>
                            <Text size="sm" tabIndex={0}>
                              {formatDate(c.expires_at)}
                            </Text>
                          </Tooltip>
                          {expired && (
                            <Badge size="sm" variant="light" color="red">
                              expired
                            </Badge>
                          )}
                        </Group>
                      )}
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatDate(c.created_at)}</Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateCouponDialog
        opened={creating}
        onClose={() => setParam('new', null)}
        onCreated={(c) => {
          setParam('new', null);
          notifications.show({ color: 'teal', title: `Coupon ${c.code} created`, message: couponSummary(c, (a, asset) => formatAmount(a, assetLike(asset))) });
          coupons.reload();
        }}
      />
    </>
  );
}
