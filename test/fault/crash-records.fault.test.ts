/**
 * Crash points of the initiative and volunteering writes, a cause-area move among them: India's
 * subgraph process is SIGKILLed at each of its MongoDB writes, restarted, and the client retries
 * with its idempotency key (test/harness/crash-points.ts).
 */
import { describe, expect, it } from 'vitest';
import { auditEntries, crashReport, runCrashPath, useCrashRig, type CrashPath, type CrashRig, type CrashSummary } from '../harness/crash-points';
import { jpyTotal } from '../harness/independent-sums';

const rig = useCrashRig('crash_records');
const FISCAL_YEARS = [2024, 2025];

const CREATE = `mutation($input: InitiativeInput!, $key: String) { indiaCreateInitiative(input: $input, idempotencyKey: $key) { id } }`;
const UPDATE = `mutation($id: ID!, $changes: InitiativeChanges!, $key: String) { indiaUpdateInitiative(id: $id, changes: $changes, idempotencyKey: $key) { version } }`;
const ARCHIVE = `mutation($id: ID!, $key: String) { indiaArchiveInitiative(id: $id, idempotencyKey: $key) { status } }`;
const REGISTRATIONS = `mutation($input: VolunteerRegistrationsInput!, $key: String) { indiaRecordVolunteerRegistrations(input: $input, idempotencyKey: $key) { id } }`;
const PARTICIPATION = `mutation($input: VolunteerParticipationInput!, $key: String) { indiaRecordVolunteerParticipation(input: $input, idempotencyKey: $key) { id } }`;
const RECORD = `mutation($input: ExpenseInput!) { indiaRecordExpense(input: $input) { id } }`;

const initiative = (title: string) => ({ title, description: 'Made by the crash-point test', causeArea: 'EDUCATION_RESEARCH', startDate: '2024-04-01' });

/** Initiatives with two expenses each, so that moving one moves figures between cause areas. */
async function initiativesWithExpenses(rig: CrashRig, count: number, tag: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const created = await rig.send(CREATE, { input: initiative(`${tag} ${i}`) });
    if (created.errors) throw new Error(JSON.stringify(created.errors));
    const id = created.data!.indiaCreateInitiative.id as string;
    for (const [date, amount] of [['2024-05-01', `${300 + i}.30`], ['2023-10-01', `${40 + i}.04`]] as const) {
      const answer = await rig.send(RECORD, { input: { initiativeId: id, date, contributionType: 'CASH', amount, description: `${tag} ${i} expense` } });
      if (answer.errors) throw new Error(JSON.stringify(answer.errors));
    }
    ids.push(id);
  }
  return ids;
}

/** Exactly one record with this field value if the write was applied, with exactly one audit entry. */
async function onceIn(rig: CrashRig, collection: string, filter: Record<string, unknown>, action: string, acknowledged: boolean): Promise<{ applied: boolean; violations: string[] }> {
  const found = await rig.db().collection(collection).find(filter).toArray();
  const violations: string[] = [];
  if (found.length > 1) violations.push(`${found.length} ${collection} match ${JSON.stringify(filter)}`);
  if (acknowledged && found.length === 0) violations.push(`the acknowledged ${collection} record ${JSON.stringify(filter)} is missing`);
  for (const record of found) {
    const audited = await auditEntries(rig, String(record._id), action);
    if (audited !== 1) violations.push(`${record._id} has ${audited} ${action} audit entries`);
  }
  return { applied: found.length === 1, violations };
}

/** An initiative changed exactly once (version 1 → 2), with one audit entry, or not at all. */
async function changedOnce(rig: CrashRig, id: string, action: string, isChanged: (stored: Record<string, unknown>) => boolean, acknowledged: boolean) {
  const stored = await rig.db().collection('initiatives').findOne({ _id: id as never });
  if (!stored) return { applied: false, violations: [`${id} disappeared`] };
  const applied = isChanged(stored);
  const violations: string[] = [];
  if (stored.version !== (applied ? 2 : 1)) violations.push(`${id} is at version ${stored.version} (${applied ? 'changed' : 'unchanged'})`);
  if (acknowledged && !applied) violations.push(`${id}: the acknowledged change is missing`);
  const audited = await auditEntries(rig, id, action);
  if (audited !== (applied ? 1 : 0)) violations.push(`${id} has ${audited} ${action} audit entries`);
  return { applied, violations };
}

const PATHS: CrashPath[] = [
  {
    name: 'UpdateInitiative moving the cause area, with a key',
    prepare: (rig, count) => initiativesWithExpenses(rig, count, 'crash move'),
    attempt: (i, id) => ({ query: UPDATE, variables: { id, changes: { causeArea: 'DISASTER_RELIEF' }, key: `crash-move-${i}` }, retry: true }),
    outcome: (rig, _i, id, acknowledged) => changedOnce(rig, id!, 'indiaUpdateInitiative', (stored) => stored.causeArea === 'DISASTER_RELIEF', acknowledged),
  },
  {
    name: 'ArchiveInitiative with a key',
    prepare: (rig, count) => initiativesWithExpenses(rig, count, 'crash archive'),
    attempt: (i, id) => ({ query: ARCHIVE, variables: { id, key: `crash-archive-${i}` }, retry: true }),
    outcome: (rig, _i, id, acknowledged) => changedOnce(rig, id!, 'indiaArchiveInitiative', (stored) => stored.status === 'ARCHIVED', acknowledged),
  },
  {
    name: 'CreateInitiative with a key',
    attempt: (i) => ({ query: CREATE, variables: { input: initiative(`crash create ${i}`), key: `crash-create-${i}` }, retry: true }),
    outcome: (rig, i, _target, acknowledged) => onceIn(rig, 'initiatives', { title: `crash create ${i}` }, 'indiaCreateInitiative', acknowledged),
  },
  {
    name: 'RecordVolunteerRegistrations with a key',
    attempt: (i) => ({ query: REGISTRATIONS, variables: { input: { date: '2024-06-30', count: 3 + i, note: `crash registrations ${i}` }, key: `crash-registrations-${i}` }, retry: true }),
    outcome: (rig, i, _target, acknowledged) => onceIn(rig, 'volunteer_registrations', { note: `crash registrations ${i}` }, 'indiaRecordVolunteerRegistrations', acknowledged),
  },
  {
    name: 'RecordVolunteerParticipation with a key',
    attempt: (i) => ({
      query: PARTICIPATION,
      variables: { input: { initiativeId: 'IN-I0002', date: '2024-07-15', people: 2 + i, hours: `${4 + i}.5`, note: `crash participation ${i}` }, key: `crash-participation-${i}` },
      retry: true,
    }),
    outcome: (rig, i, _target, acknowledged) => onceIn(rig, 'volunteer_participation', { note: `crash participation ${i}` }, 'indiaRecordVolunteerParticipation', acknowledged),
  },
];

describe('a crash at any write of any initiative or volunteering write path', () => {
  const summaries: CrashSummary[] = [];

  it.each(PATHS.map((path) => [path.name, path] as const))('%s: records, cells and reports stay true', { timeout: 240_000 }, async (_name, path) => {
    const summary = await runCrashPath(rig, path, FISCAL_YEARS);
    summaries.push(summary);
    console.info(`[crash points] ${crashReport([summary])}`);
    expect(summary.violations).toEqual([]);
    expect(summary.points).toBeGreaterThanOrEqual(6);
  });

  it('leaves the consolidated report equal to the independent sum of every subsidiary', { timeout: 60_000 }, async () => {
    console.info(`[crash points] ${crashReport(summaries)}`);
    for (const year of FISCAL_YEARS) {
      const report = await rig.stack.query(`query($year: Int!) { groupReport(fiscalYear: $year) { total { amount partial } volunteering { participants } completeness { complete } } }`, { year });
      expect(report.errors).toBeUndefined();
      expect(report.data?.groupReport.total).toEqual({ amount: await jpyTotal((name) => rig.stack.db(name), ['JP', 'IN', 'US', 'TH'], year), partial: false });
      expect(report.data?.groupReport.completeness).toEqual({ complete: true });
    }
  });
});
