import { formatLocale, useMessages } from '../../i18n';
import { formatNumber } from '../../money';
import { messages } from './messages';
import type { GoalLine } from './query';

/** Each goal of the period: target, actual and progress as the API computed them. */
export function GoalsPanel({ goals, partial }: { goals: readonly GoalLine[]; partial: boolean }) {
  const t = useMessages(messages);
  const locale = formatLocale();
  return (
    <section class="panel" aria-labelledby="goals-title" data-testid="goals">
      <h2 id="goals-title">
        {t.goals} {partial && <span class="badge partial">{t.partial}</span>}
      </h2>
      {goals.length === 0 ? (
        <p>{t.noGoals}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t.goal}</th>
              <th scope="col">{t.goalYear}</th>
              <th scope="col" class="amount">
                {t.target}
              </th>
              <th scope="col" class="amount">
                {t.actual}
              </th>
              <th scope="col">{t.progress}</th>
            </tr>
          </thead>
          <tbody>
            {goals.map((line) => {
              const progress = `${formatNumber(line.progressPercent, locale)}%`;
              return (
                <tr key={`${line.goal.id}|${line.fiscalYear ?? '*'}`}>
                  <th scope="row">
                    {line.goal.title}
                    {!line.periodFullyCovered && <span class="hint"> — {t.periodPartlyCovered}</span>}
                  </th>
                  <td>{line.fiscalYear === null ? t.cumulative(line.goal.fromFiscalYear, line.goal.toFiscalYear) : t.fy(line.fiscalYear)}</td>
                  <td class="amount">
                    {formatNumber(line.target, locale)} {line.goal.unit}
                  </td>
                  <td class="amount">
                    {formatNumber(line.actual, locale)} {line.partial && <span class="badge partial">{t.partial}</span>}
                  </td>
                  <td class="progress-cell">
                    <progress max={100} value={Math.min(100, Number(line.progressPercent))} aria-label={`${line.goal.title}: ${progress}`} />
                    <span>
                      {progress} · {line.achieved ? t.achieved : t.notAchieved}
                    </span>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
