'use client';

import { useSyncExternalStore } from 'react';
import { lazy } from './lazy';

const subscribe = () => () => {};
/** False during server rendering and hydration, true after: times are formatted in the reader's own time zone. */
export function useIsClient() {
  return useSyncExternalStore(subscribe, () => true, () => false);
}

const timeFormat = lazy(() => new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }));
const weekdayFormat = lazy(() => new Intl.DateTimeFormat(undefined, { weekday: 'short' }));
const dateFormat = lazy(() => new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: '2-digit' }));
const fullFormat = lazy(() => new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' }));
const relative = lazy(() => new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' }));

/** "14:05" today, "Mon" this week, "3 Mar 26" before. */
export function formatListTime(date: Date, now = new Date()): string {
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  if (date.getTime() >= startOfToday) return timeFormat().format(date);
  if (date.getTime() >= startOfToday - 6 * 86_400_000) return weekdayFormat().format(date);
  return dateFormat().format(date);
}

export function Time({ iso, variant = 'time', className }: { iso: string; variant?: 'time' | 'list'; className?: string }) {
  const isClient = useIsClient();
  const date = new Date(iso);
  return (
    <time dateTime={iso} title={isClient ? fullFormat().format(date) : undefined} className={className}>
      {isClient ? (variant === 'list' ? formatListTime(date) : timeFormat().format(date)) : ''}
    </time>
  );
}

/** "last seen just now", "last seen 5 minutes ago", "last seen yesterday", … */
export function formatLastSeen(iso: string, now = Date.now()): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (seconds > -60) return 'last seen just now';
  const minutes = Math.round(seconds / 60);
  if (minutes > -60) return `last seen ${relative().format(minutes, 'minute')}`;
  const hours = Math.round(minutes / 60);
  if (hours > -24) return `last seen ${relative().format(hours, 'hour')}`;
  return `last seen ${relative().format(Math.round(hours / 24), 'day')}`;
}
