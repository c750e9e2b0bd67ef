import { defineMessages } from '../../i18n';

export const messages = defineMessages({
  en: {
    title: 'Sign in',
    intro: 'Paste a bearer token for this gateway. It is kept in this browser tab only and is gone when the tab closes.',
    tokenLabel: 'Bearer token',
    submit: 'Sign in',
    devHint: 'Development: `npm start` prints a link that opens the app signed in as headquarters; `npm run -s token -- --role regional:IN --link` prints one for a regional team.',
    providerHint: (issuer: string, audience: string) => `Obtain a token from your identity provider (issuer ${issuer}, audience ${audience}) and paste it here.`,
    invalid: (reason: string) => `This is not a token: ${reason}.`,
    expired: 'This token has expired: obtain a new one.',
  },
  ja: {
    title: 'サインイン',
    intro: 'このゲートウェイのベアラートークンを貼り付けてください。トークンはこのタブの中だけに保持され、タブを閉じると消えます。',
    tokenLabel: 'ベアラートークン',
    submit: 'サインイン',
    devHint: '開発環境: `npm start` が本社としてサインイン済みで開くリンクを表示します。地域チーム用は `npm run -s token -- --role regional:IN --link` で表示できます。',
    providerHint: (issuer: string, audience: string) => `ID プロバイダー(発行者 ${issuer}、オーディエンス ${audience})からトークンを取得して貼り付けてください。`,
    invalid: (reason: string) => `トークンではありません: ${reason}。`,
    expired: 'このトークンは有効期限切れです。新しいトークンを取得してください。',
  },
});
