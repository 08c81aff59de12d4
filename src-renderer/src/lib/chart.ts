import { minorToDecimal } from '@shared/money';
import { useEffect } from 'react';

/**
 * Chart geometry only: an amount as a float of major units for an axis. Every amount a person reads
 * (tables, tooltips' exact values, cards) is formatted from the string by `formatAmount`, never from this.
 */
export function chartNumber(minor: string, scale: number): number {
  return parseFloat(minorToDecimal(minor, scale));
}

export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Tollgate`;
  }, [title]);
}

export const SERIES_COLORS = ['brand.6', 'teal.6', 'orange.6', 'grape.6', 'cyan.6', 'pink.6', 'lime.7', 'yellow.6'];
