import { describe, expect, it } from 'vitest';
import { buildSchema, parse } from 'graphql';
import { MongoNetworkError, MongoServerError, MongoServerSelectionError } from 'mongodb';
import { Supergraph } from '@apollo/federation-internals';
import { ServiceLabels, unavailableResponse, unfilledPaths } from '../../gateway/src/unavailable';
import { SubgraphUnavailableError } from '../../gateway/src/subgraph-fetch';
import { loadGatewayConfig, ConfigError } from '../../gateway/src/config';
import { composeProductSupergraph } from '../../schema/composition';
import { databaseUnavailableError, isDatabaseUnavailable } from '../../subgraphs/common/unavailable';
import { loadMongoTuning, SubgraphConfigError } from '../../subgraphs/config';
import { DEFAULT_MONGO_TUNING, mongoClientOptions } from '../../subgraphs/common/mongo';

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
    const response = unavailableResponse(failure, { code: 'IN', name: 'NEC India' }, ENTITY_FETCH, { representations: [{ __typename: 'IndiaSubsidiary', code: 'IN' }] });
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
  it('maps our subgraphs to subsidiaries only when the supergraph is ours', () => {
    const labels = new ServiceLabels();
    const ours = Supergraph.build(composeProductSupergraph().supergraphSdl, { supportedFeatures: null }).apiSchema().toGraphQLJSSchema();
    labels.update(ours);
    expect(labels.subsidiaryOf('india')).toEqual({ code: 'IN', name: 'NEC India' });
    expect(labels.subsidiaryOf('group')).toBeUndefined();
    // another project's graph with a subgraph that happens to be called "india"
    labels.update(buildSchema(`type Query { products: [String] }`));
    expect(labels.subsidiaryOf('india')).toBeUndefined();
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

  it('reads the gateway retry, readiness and shutdown settings', () => {
    const defaults = loadGatewayConfig({}, []);
    expect(defaults).toMatchObject({ subgraphRetries: 2, subgraphRetryBackoffMs: 50, readyTimeoutMs: 1_000, shutdownTimeoutMs: 10_000 });
    expect(loadGatewayConfig({ SUBGRAPH_RETRIES: '0', SHUTDOWN_TIMEOUT_MS: '500' }, [])).toMatchObject({ subgraphRetries: 0, shutdownTimeoutMs: 500 });
    expect(() => loadGatewayConfig({ SUBGRAPH_RETRIES: '-1' }, [])).toThrow(ConfigError);
  });
});
