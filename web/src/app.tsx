import { messages } from './components/messages';
import { LOCALES, locale, setLocale, useMessages, type Locale } from './i18n';
import { href, route } from './router';
import { SCREENS, homeScreen } from './screens';
import { SignIn } from './screens/sign-in/sign-in';
import { session, signOut } from './session';

const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', ja: '日本語' };

export function App() {
  const t = useMessages(messages);
  const current = session.value;
  if (!current) return <SignIn />;

  const name = route.value.screen === 'home' ? homeScreen(current) : route.value.screen;
  const screen = SCREENS.find((candidate) => candidate.name === name);
  const Body = screen?.component;
  return (
    <>
      <header class="app-header">
        <span class="product">{t.product}</span>
        <nav aria-label={t.nav}>
          <ul>
            {SCREENS.filter((candidate) => candidate.nav !== null && candidate.listed(current)).map((candidate) => (
              <li key={candidate.name}>
                <a href={href(candidate.name)} aria-current={candidate.name === name ? 'page' : undefined}>
                  {t[candidate.nav!]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who">{t.signedInAs(current.subject)}</span>
        <label class="language">
          {t.language}
          <select value={locale.value} onChange={(event) => setLocale(event.currentTarget.value as Locale)}>
            {LOCALES.map((code) => (
              <option key={code} value={code}>
                {LANGUAGE_NAMES[code]}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="secondary" onClick={signOut}>
          {t.signOut}
        </button>
      </header>
      <main id="main">{Body ? <Body /> : <p role="alert">{t.notFound}</p>}</main>
    </>
  );
}
