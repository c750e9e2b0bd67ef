import { describe, expect, it } from 'vitest';
import { exportParams } from '../../gateway/src/exports/params';
import { ExportError } from '../../gateway/src/exports/runner';

const search = (query: string) => new URLSearchParams(query);

describe("an export's dates, placed by the group's fiscal calendar the supergraph declares", () => {
  it('reads the fiscal years of its dates with April–March named by the end year', () => {
    const params = exportParams(search('from=2023-04-01&to=2024-03-31'), 100, { startMonth: 4, naming: 'END_YEAR' });
    expect([params.fromFiscalYear, params.toFiscalYear]).toEqual([2024, 2024]);
  });

  it('reads them with another calendar: July–June named by the start year', () => {
    const params = exportParams(search('from=2023-06-30&to=2023-07-01'), 100, { startMonth: 7, naming: 'START_YEAR' });
    expect([params.fromFiscalYear, params.toFiscalYear]).toEqual([2022, 2023]);
  });

  it('refuses dates (EXPORT_UNAVAILABLE, 503) when the supergraph declares no calendar, and still takes fiscal years', () => {
    let refusal: unknown;
    try {
      exportParams(search('from=2023-04-01'), 100, undefined);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(ExportError);
    expect(refusal).toMatchObject({ status: 503, body: { errors: [{ extensions: { code: 'EXPORT_UNAVAILABLE' } }] } });
    expect(exportParams(search('fiscalYear=2024'), 100, undefined)).toMatchObject({ fromFiscalYear: 2024, toFiscalYear: 2024 });
  });
});
