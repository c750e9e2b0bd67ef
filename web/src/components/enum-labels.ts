import { defineMessages } from '../i18n';

type Labels = Record<string, string>;
const label = (labels: Labels) => (code: string) => labels[code] ?? code;

/** Names of the API's enum values for people (the value itself when a new one appears). */
export const enumLabels = defineMessages({
  en: {
    status: label({ PLANNED: 'Planned', ACTIVE: 'Active', COMPLETED: 'Completed', ARCHIVED: 'Archived' }),
    motivation: label({ CHARITABLE_GIFT: 'Charitable gift', COMMUNITY_INVESTMENT: 'Community investment', COMMERCIAL_INITIATIVE: 'Commercial initiative' }),
    contributionType: label({ CASH: 'Cash', IN_KIND_PRODUCT: 'In-kind products', FACILITY_USE: 'Facility use', EMPLOYEE_TIME: 'Employee time', MANAGEMENT_COST: 'Management costs' }),
  },
  ja: {
    status: label({ PLANNED: '計画中', ACTIVE: '実施中', COMPLETED: '完了', ARCHIVED: 'アーカイブ済み' }),
    motivation: label({ CHARITABLE_GIFT: '慈善寄付', COMMUNITY_INVESTMENT: '地域社会への投資', COMMERCIAL_INITIATIVE: '商業的取り組み' }),
    contributionType: label({ CASH: '金銭', IN_KIND_PRODUCT: '現物(製品)', FACILITY_USE: '施設の提供', EMPLOYEE_TIME: '従業員の時間', MANAGEMENT_COST: '管理費' }),
  },
});
