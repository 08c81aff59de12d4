import type { ReactNode } from 'react';

/** A chart with an accessible name; the summary sentence or table next to it carries the numbers. */
export function ChartFigure({ label, children }: { label: string; children: ReactNode }) {
  return (
    <figure aria-label={label} style={{ margin: 0 }}>
      {children}
    </figure>
  );
}
