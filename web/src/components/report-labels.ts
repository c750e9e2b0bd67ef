import { defineMessages } from '../i18n';

/** Names of the API's cause areas and contribution types, in both languages (enum value → name). */
export const reportLabels = defineMessages({
  en: {
    EDUCATION_RESEARCH: 'Academia, research and education',
    ARTS_CULTURE_SPORTS: 'Arts, culture and sports',
    HEALTH_WELFARE: 'Health and welfare',
    ENVIRONMENT: 'Environment',
    DISASTER_RELIEF: 'Disaster relief and recovery',
    COMMUNITY_DEVELOPMENT: 'Community development',
    SOCIAL_ENTREPRENEURSHIP: 'Social entrepreneurship',
    INCLUSION_DIVERSITY: 'Inclusion and diversity',
    CASH: 'Cash',
    IN_KIND_PRODUCT: 'In-kind products',
    FACILITY_USE: 'Facility use',
    EMPLOYEE_TIME: 'Employee time',
    MANAGEMENT_COST: 'Management costs',
  },
  ja: {
    EDUCATION_RESEARCH: '学術・研究・教育',
    ARTS_CULTURE_SPORTS: '芸術・文化・スポーツ',
    HEALTH_WELFARE: '健康・福祉',
    ENVIRONMENT: '環境',
    DISASTER_RELIEF: '災害救援・復興',
    COMMUNITY_DEVELOPMENT: '地域社会の発展',
    SOCIAL_ENTREPRENEURSHIP: '社会起業',
    INCLUSION_DIVERSITY: 'インクルージョン&ダイバーシティ',
    CASH: '現金',
    IN_KIND_PRODUCT: '現物(製品)',
    FACILITY_USE: '施設の提供',
    EMPLOYEE_TIME: '従業員の時間',
    MANAGEMENT_COST: '運営費',
  },
});

/** The name of an enum value in the current language's labels; the value itself when unknown (a newer API). */
export function labelOf(labels: Record<string, string | ((...args: never[]) => string)>, value: string): string {
  const label = labels[value];
  return typeof label === 'string' ? label : value;
}
