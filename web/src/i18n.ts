import { signal } from '@preact/signals';

/** The app's languages: English and Japanese (the group is Japanese). */
export const LOCALES = ['en', 'ja'] as const;
export type Locale = (typeof LOCALES)[number];

/** The formatting locale of each language (numbers, dates, currencies). */
export const FORMAT_LOCALE: Record<Locale, string> = { en: 'en-GB', ja: 'ja-JP' };

const STORAGE_KEY = 'csr.locale';

function initialLocale(): Locale {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'ja') return stored;
  return navigator.language.toLowerCase().startsWith('ja') ? 'ja' : 'en';
}

export const locale = signal<Locale>(initialLocale());

export function setLocale(next: Locale): void {
  localStorage.setItem(STORAGE_KEY, next);
  document.documentElement.lang = next;
  locale.value = next;
}

/**
 * Messages of one screen in both languages; Japanese must have every English key (the type says
 * so). A message is a string, or a function of its parameters.
 */
export type Messages<T extends Record<string, string | ((...args: never[]) => string)>> = { en: T; ja: T };

export function defineMessages<T extends Record<string, string | ((...args: never[]) => string)>>(messages: Messages<T>): Messages<T> {
  return messages;
}

/** The messages of the current language (reading `locale` inside a component re-renders it on change). */
export function useMessages<T extends Record<string, string | ((...args: never[]) => string)>>(messages: Messages<T>): T {
  return messages[locale.value];
}

export function formatLocale(): string {
  return FORMAT_LOCALE[locale.value];
}
