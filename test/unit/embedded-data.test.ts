import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, EmbeddedDataError, embeddedData } from '../../scripts/embedded-data';

describe("npm start's embedded data setting", () => {
  it('keeps the data in .data/mongo by default, or in EMBEDDED_MONGO_DATA_DIR', () => {
    expect(embeddedData({}, [])).toEqual({ kind: 'disk', dir: DEFAULT_DATA_DIR });
    expect(DEFAULT_DATA_DIR.endsWith(path.join('.data', 'mongo'))).toBe(true);
    expect(embeddedData({ EMBEDDED_MONGO_DATA_DIR: 'somewhere/else' }, [])).toEqual({ kind: 'disk', dir: path.resolve('somewhere/else') });
  });

  it('runs in memory with EMBEDDED_MONGO_DATA=memory or --ephemeral', () => {
    expect(embeddedData({ EMBEDDED_MONGO_DATA: 'memory' }, [])).toEqual({ kind: 'memory' });
    expect(embeddedData({ EMBEDDED_MONGO_DATA: 'disk' }, ['--ephemeral'])).toEqual({ kind: 'memory' });
  });

  it('refuses an unknown value or argument, naming it', () => {
    expect(() => embeddedData({ EMBEDDED_MONGO_DATA: 'tmp' }, [])).toThrow(new EmbeddedDataError('EMBEDDED_MONGO_DATA must be disk or memory, not "tmp"'));
    expect(() => embeddedData({}, ['--ephemerall'])).toThrow(/only --ephemeral, not --ephemerall/);
  });
});
