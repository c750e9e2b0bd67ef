import { describe, expect, it } from 'vitest';
import { parse } from 'graphql';
import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { composeServices } from '@apollo/composition';
import { idempotencyKeys, unavailableResponse, unfilledPaths } from '../../gateway/src/unavailable';
import { ServiceLabels, type ServiceLabel } from '../../gateway/src/service-labels';
import { serviceLabelSdl, type ServiceLabelDeclaration } from '../../shared/service-labels';
import { SubgraphUnavailableError, circuitOpenError, requestTimeoutError } from '../../gateway/src/subgraph-fetch';
import { loadGatewayConfig, ConfigError } from '../../gateway/src/config';
import { composeProductSupergraph } from '../../schema/composition';
import { databaseUnavailableError, isDatabaseUnavailable } from '../../subgraphs/common/unavailable';
import { loadMongoTuning, SubgraphConfigError } from '../../subgraphs/config';
import { DEFAULT_MONGO_TUNING, mongoClientOptions } from '../../subgraphs/common/mongo';

const INDIA: ServiceLabel = { kind: 'subsidiary', code: 'IN', name: 'NEC India' };

const ENTITY_FETCH = parse(`query Q__india__1($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on IndiaSubsidiary { __typename initiatives { totalCount } vol: volunteering(fiscalYear: 2024) { participants } }
    ... on IndiaReport { currency ...Cells }
  }
}
fragment Cells on IndiaReport { cells { amount } }`);

describe('the fields a failed subgraph call leaves unfilled', () => {
  it('names each entity and each field selected for its type, by response name', () => {
    const paths = unfilledPaths(ENTITY_FETCH, { representations: [{ __typename: 'IndiaSubsidiary', code: 'IN' }, { __typename: 'IndiaReport', id: 'r' }] });
    expect(paths).toEqual([
      ['_entities', 0, 'initiatives'],
      ['_entities', 0, 'vol'],
      ['_entities', 1, 'currency'],
      ['_entities', 1, 'cells'],
    ]);
  });

  it('names the root fields of a root fetch', () => {
    expect(unfilledPaths(parse(`mutation M__india__0 { indiaRecordExpense(input: {}) { id } other: indiaArchiveInitiative(id: "x") { id } }`), {})).toEqual([
      ['indiaRecordExpense'],
      ['other'],
    ]);
  });

  it('answers with errors only (no data), naming the subsidiary when there is one', () => {
    const failure = new SubgraphUnavailableError('india', 'timeout', 'no answer within 500 ms');
    const response = unavailableResponse(failure, INDIA, ENTITY_FETCH, { representations: [{ __typename: 'IndiaSubsidiary', code: 'IN' }] });
    expect(response.data).toBeUndefined();
    expect(response.errors).toEqual([
      { message: 'NEC India (IN) is unavailable: the india subgraph did not answer: no answer within 500 ms', path: ['_entities', 0, 'initiatives'], extensions: { code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'IN', reason: 'timeout' } },
      { message: 'NEC India (IN) is unavailable: the india subgraph did not answer: no answer within 500 ms', path: ['_entities', 0, 'vol'], extensions: { code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'IN', reason: 'timeout' } },
    ]);
    const foreign = unavailableResponse(new SubgraphUnavailableError('products', 'status', 'HTTP 503', 503), undefined, parse('{ topProducts { upc } }'), {});
    expect(foreign.errors).toEqual([{ message: 'The products subgraph did not answer: HTTP 503', path: ['topProducts'], extensions: { code: 'SUBGRAPH_UNAVAILABLE', reason: 'status', status: 503 } }]);
  });
});

describe('which subgraph serves which subsidiary', () => {
  it('maps subgraphs to subsidiaries and headquarters as the supergraph declares them, and only then', () => {
    const labels = new ServiceLabels();
    labels.update(composeProductSupergraph().supergraphSdl);
    expect(labels.subsidiaryOf('india')).toEqual({ code: 'IN', name: 'NEC India' });
    expect(labels.labelOf('india')).toEqual({ kind: 'subsidiary', code: 'IN', name: 'NEC India' });
    expect(labels.labelOf('thailand')).toEqual({ kind: 'subsidiary', code: 'TH', name: 'NEC Platforms Thai' });
    expect(labels.subsidiaryOf('group')).toBeUndefined();
    expect(labels.labelOf('group')).toEqual({ kind: 'headquarters' });
    expect(labels.groupFiscalCalendar()).toEqual({ startMonth: 4, naming: 'END_YEAR' });
    // another project's graph with subgraphs that happen to be called "india" and "group"
    const foreign = composeServices(['india', 'group'].map((name) => ({ name, url: `http://localhost/${name}`, typeDefs: parse(`type Query { ${name}: [String] }`) })));
    expect(foreign.errors).toBeUndefined();
    labels.update(foreign.supergraphSdl!);
    expect(labels.subsidiaryOf('india')).toBeUndefined();
    expect(labels.labelOf('group')).toBeUndefined();
    expect(labels.groupFiscalCalendar()).toBeUndefined();
  });
});

describe('labels declared by any supergraph', () => {
  it("names a subsidiary the gateway's code has never heard of, from the supergraph alone", () => {
    const federation = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@composeDirective"])';
    const subgraph = (name: string, label: ServiceLabelDeclaration) => ({
      name,
      url: `http://localhost/${name}`,
      typeDefs: parse(`${federation}\n${serviceLabelSdl(label)}\ntype Query { ${name}Answer: String }`),
    });
    const composed = composeServices([
      subgraph('hq', { kind: 'headquarters', subgraph: 'hq', fiscalYearStartMonth: 7, fiscalYearNaming: 'START_YEAR' }),
      subgraph('oceania', { kind: 'subsidiary', subgraph: 'oceania', code: 'AU', name: 'NEC Australia' }),
      // a declaration naming a subgraph the supergraph does not have is ignored
      subgraph('other', { kind: 'subsidiary', subgraph: 'elsewhere', code: 'NZ', name: 'NEC New Zealand' }),
    ]);
    expect(composed.errors).toBeUndefined();
    const labels = new ServiceLabels();
    labels.update(composed.supergraphSdl!);
    expect(labels.labelOf('oceania')).toEqual({ kind: 'subsidiary', code: 'AU', name: 'NEC Australia' });
    expect(labels.labelOf('hq')).toEqual({ kind: 'headquarters' });
    expect(labels.labelOf('other')).toBeUndefined();
    expect(labels.labelOf('elsewhere')).toBeUndefined();
    expect(labels.groupFiscalCalendar()).toEqual({ startMonth: 7, naming: 'START_YEAR' });
    const { errors } = unavailableResponse(new SubgraphUnavailableError('oceania', 'timeout', 'no answer within 500 ms'), labels.labelOf('oceania'), parse('{ oceaniaAnswer }'), {});
    expect(errors?.[0]).toMatchObject({ message: 'NEC Australia (AU) is unavailable: the oceania subgraph did not answer: no answer within 500 ms', extensions: { code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'AU' } });
  });
});

describe('a failed call to the group subgraph', () => {
  it("says headquarters' group figures are unavailable, naming the group subgraph", () => {
    const failure = new SubgraphUnavailableError('group', 'connection', 'ECONNREFUSED', undefined, 'not_sent');
    const { errors } = unavailableResponse(failure, { kind: 'headquarters' }, parse('{ subsidiaries { code } groupReport(fiscalYear: 2024) { total { amount } } }'), {});
    expect(errors).toEqual(['subsidiaries', 'groupReport'].map((field) => ({
      message: "Headquarters' group figures (registry, exchange rates, goals, every consolidated figure) are unavailable: the group subgraph did not answer: ECONNREFUSED",
      path: [field],
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', owner: 'headquarters', reason: 'connection' },
    })));
  });
});

const RECORD = parse(`mutation M__india__0($input: ExpenseInput!, $key: String) {
  indiaRecordExpense(input: $input, idempotencyKey: $key) { id }
  inline: indiaRecordExpense(input: $input, idempotencyKey: "lit-7") { id }
  indiaArchiveInitiative(id: "IN-I0001") { id }
}`);

describe('a write whose answer did not arrive', () => {
  it('reads the idempotency key of each root field, from a variable or a literal', () => {
    expect(idempotencyKeys(RECORD, { key: 'var-1' })).toEqual(new Map([['indiaRecordExpense', 'var-1'], ['inline', 'lit-7']]));
    expect(idempotencyKeys(RECORD, {})).toEqual(new Map([['inline', 'lit-7']]));
    expect(idempotencyKeys(parse('{ indiaRecordExpense(idempotencyKey: "q") { id } }'), {})).toEqual(new Map());
  });

  it('is OUTCOME_UNKNOWN at each field, with the key to retry with when there is one', () => {
    const failure = new SubgraphUnavailableError('india', 'timeout', 'no answer within 1500 ms');
    const { errors } = unavailableResponse(failure, INDIA, RECORD, { key: 'var-1' });
    expect(errors).toEqual([
      {
        message: 'NEC India (IN) did not confirm indiaRecordExpense: the india subgraph did not answer: no answer within 1500 ms. The write may have been applied: retry with idempotencyKey "var-1" to get its result without applying it twice.',
        path: ['indiaRecordExpense'],
        extensions: { code: 'OUTCOME_UNKNOWN', subsidiary: 'IN', reason: 'timeout', idempotencyKey: 'var-1' },
      },
      {
        message: 'NEC India (IN) did not confirm inline: the india subgraph did not answer: no answer within 1500 ms. The write may have been applied: retry with idempotencyKey "lit-7" to get its result without applying it twice.',
        path: ['inline'],
        extensions: { code: 'OUTCOME_UNKNOWN', subsidiary: 'IN', reason: 'timeout', idempotencyKey: 'lit-7' },
      },
      {
        message: 'NEC India (IN) did not confirm indiaArchiveInitiative: the india subgraph did not answer: no answer within 1500 ms. The write may have been applied: check whether it was before retrying, and send an idempotencyKey with writes that take one.',
        path: ['indiaArchiveInitiative'],
        extensions: { code: 'OUTCOME_UNKNOWN', subsidiary: 'IN', reason: 'timeout' },
      },
    ]);
  });

  it('is OUTCOME_UNKNOWN after a 5xx and after the request deadline cut it off, on any supergraph', () => {
    const status = unavailableResponse(new SubgraphUnavailableError('india', 'status', 'HTTP 503', 503), INDIA, RECORD, {});
    expect(status.errors?.[0]?.extensions).toEqual({ code: 'OUTCOME_UNKNOWN', subsidiary: 'IN', reason: 'status', status: 503 });
    const cut = unavailableResponse(requestTimeoutError('shop', 800, 'unknown'), undefined, parse('mutation { order(sku: "a", idempotencyKey: "o-1") { id } }'), {});
    expect(cut.errors).toEqual([{
      message: 'The shop subgraph did not confirm order: the shop subgraph did not answer within the request\'s deadline: cut off after REQUEST_TIMEOUT_MS (800 ms). The write may have been applied: retry with idempotencyKey "o-1" to get its result without applying it twice.',
      path: ['order'],
      extensions: { code: 'OUTCOME_UNKNOWN', reason: 'request_timeout', idempotencyKey: 'o-1' },
    }]);
  });

  it('stays SUBSIDIARY_UNAVAILABLE, saying nothing was applied, when the request was never sent', () => {
    const refused = unavailableResponse(new SubgraphUnavailableError('india', 'connection', 'ECONNREFUSED', undefined, 'not_sent'), INDIA, RECORD, { key: 'var-1' });
    expect(refused.errors?.[0]).toEqual({
      message: 'NEC India (IN) is unavailable: the india subgraph did not answer: ECONNREFUSED. indiaRecordExpense was not sent, so nothing was applied: send it again once the india subgraph answers.',
      path: ['indiaRecordExpense'],
      extensions: { code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'IN', reason: 'connection' },
    });
    const since = new Date('2025-04-01T09:00:00.000Z');
    const open = unavailableResponse(circuitOpenError({ service: 'india', since, failures: 5, openMs: 2000 }), INDIA, RECORD, {});
    expect(open.errors?.[0]?.extensions).toEqual({ code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'IN', reason: 'circuit_open' });
    expect(open.errors?.[0]?.message).toBe(
      'NEC India (IN) is unavailable since 2025-04-01T09:00:00.000Z: 5 calls to it in a row failed, so the gateway stops calling it and checks every 2000 ms whether it answers again. indiaRecordExpense was not sent, so nothing was applied: send it again once the india subgraph answers.',
    );
    const late = unavailableResponse(requestTimeoutError('india', 800, 'not_sent'), INDIA, RECORD, {});
    expect(late.errors?.[0]?.extensions).toMatchObject({ code: 'SUBSIDIARY_UNAVAILABLE', reason: 'request_timeout' });
  });

  it('leaves reads SUBSIDIARY_UNAVAILABLE whatever the delivery', () => {
    const { errors } = unavailableResponse(new SubgraphUnavailableError('india', 'timeout', 'no answer within 1500 ms'), INDIA, parse('{ indiaThing { id } }'), {});
    expect(errors?.[0]?.extensions?.code).toBe('SUBSIDIARY_UNAVAILABLE');
  });
});

describe('database outages at a subgraph', () => {
  it('are told apart from other errors, also when wrapped', () => {
    expect(isDatabaseUnavailable(new MongoServerSelectionError('Server selection timed out after 1000 ms', {} as never))).toBe(true);
    expect(isDatabaseUnavailable({ originalError: new MongoNetworkError('connection reset') })).toBe(true);
    expect(isDatabaseUnavailable(new MongoServerError({ code: 11000, errmsg: 'duplicate key' }))).toBe(false);
    expect(isDatabaseUnavailable(new Error('boom'))).toBe(false);
  });

  it('answer SUBSIDIARY_UNAVAILABLE naming the subsidiary, with the path and without driver details', () => {
    expect(databaseUnavailableError('india', { message: 'connect ECONNREFUSED 127.0.0.1:27017', path: ['_entities', 0, 'initiatives'] })).toEqual({
      message: 'NEC India (IN) is unavailable: its database did not answer',
      path: ['_entities', 0, 'initiatives'],
      extensions: { code: 'SUBSIDIARY_UNAVAILABLE', subsidiary: 'IN', reason: 'database' },
    });
    expect(databaseUnavailableError('group', { message: 'x' }).extensions).toEqual({ code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'group', reason: 'database' });
  });
});

describe('fault-tolerance settings', () => {
  it('reads MongoDB timeouts and write concern, with majority by default', () => {
    expect(loadMongoTuning({})).toEqual(DEFAULT_MONGO_TUNING);
    expect(DEFAULT_MONGO_TUNING.writeConcern).toBe('majority');
    const tuned = loadMongoTuning({ MONGODB_WRITE_CONCERN: '1', MONGODB_SERVER_SELECTION_TIMEOUT_MS: '1500', MONGODB_SOCKET_TIMEOUT_MS: '0' });
    expect(tuned).toMatchObject({ writeConcern: 1, serverSelectionTimeoutMS: 1500, socketTimeoutMS: 0 });
    expect(mongoClientOptions(tuned).writeConcern).toEqual({ w: 1, wtimeoutMS: DEFAULT_MONGO_TUNING.writeConcernTimeoutMS });
    expect(() => loadMongoTuning({ MONGODB_WRITE_CONCERN: 'most' })).toThrow(SubgraphConfigError);
    expect(() => loadMongoTuning({ MONGODB_SERVER_SELECTION_TIMEOUT_MS: 'soon' })).toThrow(/MONGODB_SERVER_SELECTION_TIMEOUT_MS/);
  });

  it('reads the gateway retry, readiness, circuit breaker and shutdown settings', () => {
    const defaults = loadGatewayConfig({}, []);
    expect(defaults).toMatchObject({ subgraphRetries: 2, subgraphRetryBackoffMs: 50, readyTimeoutMs: 1_000, shutdownTimeoutMs: 10_000 });
    expect(defaults.circuitBreaker).toEqual({ enabled: true, failureThreshold: 5, openMs: 2_000 });
    expect(loadGatewayConfig({ CIRCUIT_BREAKER: 'false', CIRCUIT_FAILURE_THRESHOLD: '3', CIRCUIT_OPEN_MS: '500' }, []).circuitBreaker).toEqual({ enabled: false, failureThreshold: 3, openMs: 500 });
    expect(() => loadGatewayConfig({ CIRCUIT_FAILURE_THRESHOLD: '0' }, [])).toThrow(/CIRCUIT_FAILURE_THRESHOLD must be a whole number from 1/);
    expect(() => loadGatewayConfig({ CIRCUIT_BREAKER: 'maybe' }, [])).toThrow(/CIRCUIT_BREAKER must be true or false/);
    expect(loadGatewayConfig({ SUBGRAPH_RETRIES: '0', SHUTDOWN_TIMEOUT_MS: '500' }, [])).toMatchObject({ subgraphRetries: 0, shutdownTimeoutMs: 500 });
    expect(() => loadGatewayConfig({ SUBGRAPH_RETRIES: '-1' }, [])).toThrow(ConfigError);
  });
});
