// Dates and times shown the way the user's preferences say (language, date format, time zone).
import { useMemo } from 'react';
import type { SettingsDoc } from '#shared/policy/table';

export interface Formatter {
  date(value: string | number | Date): string;
  dateTime(value: string | number | Date): string;
  relative(value: number): string;
}

type Prefs = Pick<SettingsDoc, 'language' | 'dateFormat'> & { timeZone?: string | null | undefined };

function safeZone(zone: string | null | undefined): string | undefined {
  if (zone === null || zone === undefined) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone;
  } catch {
    return undefined;
  }
}

export function createFormatter(prefs: Prefs | undefined): Formatter {
  const locale = prefs?.language ?? 'en';
  const timeZone = safeZone(prefs?.timeZone);
  const parts = (value: Date) => {
    const numeric = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
      .formatToParts(value)
      .reduce<Record<string, string>>((acc, part) => ({ ...acc, [part.type]: part.value }), {});
    return { y: numeric.year ?? '', m: numeric.month ?? '', d: numeric.day ?? '' };
  };
  const date = (input: string | number | Date) => {
    const value = new Date(input);
    if (Number.isNaN(value.getTime())) return '—';
    const { y, m, d } = parts(value);
    switch (prefs?.dateFormat ?? 'locale') {
      case 'iso':
        return `${y}-${m}-${d}`;
      case 'day-month-year':
        return `${d}/${m}/${y}`;
      case 'month-day-year':
        return `${m}/${d}/${y}`;
      case 'locale':
        return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: 'medium' }).format(value);
    }
  };
  const time = (value: Date) =>
    new Intl.DateTimeFormat(locale, { timeZone, timeStyle: 'short' }).format(value);
  return {
    date,
    dateTime: (input) => {
      const value = new Date(input);
      return Number.isNaN(value.getTime()) ? '—' : `${date(value)} ${time(value)}`;
    },
    relative: (at) => {
      const seconds = Math.round((Date.now() - at) / 1000);
      if (seconds < 10) return 'just now';
      const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
      if (seconds < 60) return rtf.format(-seconds, 'second');
      if (seconds < 3600) return rtf.format(-Math.round(seconds / 60), 'minute');
      if (seconds < 86_400) return rtf.format(-Math.round(seconds / 3600), 'hour');
      return date(at);
    },
  };
}

export function useFormatter(prefs: Prefs | null | undefined, timeZone?: string | null): Formatter {
  const language = prefs?.language;
  const dateFormat = prefs?.dateFormat;
  return useMemo(
    () =>
      createFormatter(
        language !== undefined && dateFormat !== undefined ? { language, dateFormat, timeZone } : undefined,
      ),
    [language, dateFormat, timeZone],
  );
}
