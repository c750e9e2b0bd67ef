import { defineMessages } from '../i18n';

/** The shell's messages: navigation, language, session. */
export const messages = defineMessages({
  en: {
    product: 'Group CSR figures',
    nav: 'Main',
    dashboard: 'Group dashboard',
    workspace: 'Regional workspace',
    import: 'Bulk import',
    language: 'Language',
    signOut: 'Sign out',
    signedInAs: (subject: string) => `Signed in as ${subject}`,
    notFound: 'There is no such page.',
  },
  ja: {
    product: 'グループ CSR 実績',
    nav: 'メイン',
    dashboard: 'グループ ダッシュボード',
    workspace: '地域ワークスペース',
    import: '一括インポート',
    language: '言語',
    signOut: 'サインアウト',
    signedInAs: (subject: string) => `${subject} としてサインイン中`,
    notFound: 'このページはありません。',
  },
});
