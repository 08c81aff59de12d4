import { Children, cloneElement, isValidElement, type CSSProperties, type HTMLAttributes, type ReactElement, type ReactNode } from 'react';

/**
 * ARIA table semantics for the console's virtual lists (customers, events, the monitor). Their rows
 * are absolutely positioned grid rows, not <table> rows, so a screen reader would otherwise read
 * each as one run of text with no column names. With these roles it announces "row 5 of 10,001",
 * the column header of each cell, and the table's name.
 *
 * Markup: <div className="tg-vlist"> (scrolls) > VirtualTable > VirtualHead + VirtualBody > VirtualRow.
 */

/** The header row: one column header per label. */
export function VirtualHead({ columns, labels }: { columns: string; labels: { label: string; right?: boolean }[] }) {
  return (
    <div role="rowgroup" className="tg-vhead-group">
      <div className="tg-vhead" role="row" aria-rowindex={1} style={{ gridTemplateColumns: columns }}>
        {labels.map((l) => (
          <span key={l.label} role="columnheader" className={l.right ? 'tg-cell-right' : undefined}>
            {l.label}
          </span>
        ))}
      </div>
    </div>
  );
}

/** The body: holds the positioned rows and gives the list its full height. */
export function VirtualBody({ height, children }: { height: number; children: ReactNode }) {
  return (
    <div role="rowgroup" style={{ height, position: 'relative' }}>
      {children}
    </div>
  );
}

type RowProps = Omit<HTMLAttributes<HTMLDivElement>, 'role'> & {
  /** Position in the whole list (0-based), so "row n of m" holds while only a window is rendered. */
  index: number;
  style: CSSProperties;
  children: ReactNode;
  [data: `data-${string}`]: unknown;
};

/** One row; each direct child becomes a cell. */
export function VirtualRow({ index, children, className, ...rest }: RowProps) {
  return (
    <div role="row" aria-rowindex={index + 2} className={className ? `tg-vrow ${className}` : 'tg-vrow'} {...rest}>
      {Children.map(children, (child) => (isValidElement(child) ? cloneElement(child as ReactElement<{ role?: string }>, { role: 'cell' }) : child))}
    </div>
  );
}

/**
 * The table itself, inside the scrolling container: only the header and body row groups belong in
 * it (a "load more" button or spinner below the rows stays outside, as a table may hold only rows).
 */
export function VirtualTable({ label, rowCount, children }: { label: string; rowCount: number; children: ReactNode }) {
  return (
    <div role="table" aria-label={label} aria-rowcount={rowCount + 1}>
      {children}
    </div>
  );
}
