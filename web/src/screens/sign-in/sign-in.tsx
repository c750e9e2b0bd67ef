import { useEffect, useState } from 'preact/hooks';
import { loadAppConfig, type AppConfig } from '../../app-config';
import { useMessages } from '../../i18n';
import { TokenFormatError, readToken, signIn } from '../../session';
import { messages } from './messages';

export function SignIn() {
  const t = useMessages(messages);
  const [config, setConfig] = useState<AppConfig | null>(null);
  const [token, setToken] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    loadAppConfig().then(setConfig, () => setConfig(null));
  }, []);

  const submit = (event: Event) => {
    event.preventDefault();
    try {
      const read = readToken(token);
      if (read.expiresAt !== undefined && read.expiresAt * 1000 < Date.now()) return setProblem(t.expired);
      signIn(token);
    } catch (error) {
      setProblem(error instanceof TokenFormatError ? t.invalid(error.message) : String(error));
    }
  };

  return (
    <main class="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">{t.title}</h1>
      <p>{t.intro}</p>
      <form onSubmit={submit}>
        <label for="token">{t.tokenLabel}</label>
        <textarea id="token" name="token" rows={4} autocomplete="off" spellcheck={false} value={token} onInput={(event) => setToken(event.currentTarget.value)} aria-describedby={problem ? 'token-problem' : undefined} />
        {problem && (
          <p id="token-problem" role="alert" class="error">
            {problem}
          </p>
        )}
        <button type="submit">{t.submit}</button>
      </form>
      {config && <p class="hint">{config.devSignIn ? t.devHint : t.providerHint(config.issuer, config.audience)}</p>}
    </main>
  );
}
