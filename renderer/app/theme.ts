// Applies the theme (light, dark or the system's, followed live) and the language to the document.
import { useEffect } from 'react';
import type { themes } from '#shared/entities/settings';

export type ThemeChoice = (typeof themes)[number];

export function useApplyTheme(theme: ThemeChoice, language: string): void {
  useEffect(() => {
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const apply = () => {
      const dark = theme === 'dark' || (theme === 'system' && media.matches);
      document.documentElement.dataset.theme = dark ? 'dark' : 'light';
    };
    apply();
    media.addEventListener('change', apply);
    return () => {
      media.removeEventListener('change', apply);
    };
  }, [theme]);
  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
}
