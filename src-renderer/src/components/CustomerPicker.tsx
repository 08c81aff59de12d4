import { Loader, Select, type SelectProps } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { call } from '../api';

/**
 * Pick a customer, searched on the server as you type (external id, name, email), for filters and
 * dialogs. The value is the external id; an id pasted that the search does not return is kept.
 * `status` narrows the list as `listCustomerWallets` does (default: every customer but archived
 * ones); pickers that start new business (a draft preview, a billing run) ask for `active`, so
 * closed and erased customers are not offered.
 */
export function CustomerPicker({
  value,
  onChange,
  label = 'Customer',
  placeholder = 'Any customer',
  status,
  ...rest
}: { value: string | null; onChange: (v: string | null) => void; label?: string; placeholder?: string; status?: 'active' | 'archived' | 'closed' | 'all' } & Omit<SelectProps, 'value' | 'onChange' | 'data'>) {
  const [search, setSearch] = useState('');
  const [options, setOptions] = useState<{ value: string; label: string }[]>([]);
  const [loading, setLoading] = useState(false);
  // The label Mantine writes into the search box on selection is not a search.
  const labels = useRef(new Set<string>());
  useEffect(() => {
    let cancelled = false;
    setLoading(true);
    const t = setTimeout(() => {
      const typed = search.trim() && !labels.current.has(search) ? search.trim() : '';
      call('listCustomerWallets', { limit: 20, ...(typed ? { search: typed } : {}), ...(status ? { status } : {}) })
        .then((page) => {
          if (cancelled) return;
          const next = page.data.map((c) => ({ value: c.external_id, label: c.name ? `${c.name} (${c.external_id})` : c.external_id }));
          for (const o of next) labels.current.add(o.label);
          setOptions(next);
        })
        .catch(() => !cancelled && setOptions([]))
        .finally(() => !cancelled && setLoading(false));
    }, 150);
    return () => {
      cancelled = true;
      clearTimeout(t);
    };
  }, [search, status]);
  if (value) labels.current.add(value);
  const data = value && !options.some((o) => o.value === value) ? [{ value, label: value }, ...options] : options;
  return (
    <Select
      label={label}
      placeholder={placeholder}
      searchable
      clearable
      data={data}
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options: o }) => o}
      nothingFoundMessage={loading ? 'Searching…' : 'No customer matches'}
      rightSection={loading ? <Loader size={14} /> : undefined}
      {...rest}
    />
  );
}
