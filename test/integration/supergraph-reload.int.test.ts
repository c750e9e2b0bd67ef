/** The gateway reloading its supergraph file (gateway/src/supergraph-file.ts) over the product's subgraphs, on 127.0.0.1. */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { RunningServer } from '../../platform/http';
import { SUPERGRAPH_PATH } from '../../scripts/stack';
import { ROLES } from '../../subgraphs/common/scopes';
import { within } from '../harness/faults';
import { capturedLogger, startGatewayOver } from '../harness/gateway';
import { graphql } from '../harness/graphql';
import { useSeededStack } from '../harness/stack';

const stack = useSeededStack('int_reload');
const dir = mkdtempSync(join(tmpdir(), 'supergraph-reload-'));
const path = join(dir, 'supergraph.graphql');
const { logger, lines } = capturedLogger();
let gateway: RunningServer;

beforeAll(async () => {
  copyFileSync(SUPERGRAPH_PATH, path);
  gateway = await startGatewayOver(stack, { SUPERGRAPH_PATH: path, WATCH_SUPERGRAPH: 'true' }, { logger });
});
afterAll(async () => {
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('a supergraph file that changes', () => {
  it('is reloaded with one JSON log line naming the file, and no health-check warning', { timeout: 20_000 }, async () => {
    const console = ['log', 'info', 'warn', 'error'].map((method) => vi.spyOn(globalThis.console, method as 'log'));
    const stdout = vi.spyOn(process.stdout, 'write');
    lines.length = 0;

    writeFileSync(path, `${readFileSync(path, 'utf8')}\n# reviewed\n`);
    expect(await within(5_000, async () => lines.some((line) => line.event === 'supergraph_reloaded'), 25)).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 300)); // anything a health check would have written by now

    // at the default level (info), the reload is this one line; Apollo's own notes are at debug
    expect(lines.filter((line) => line.level !== 'debug')).toEqual([
      { level: 'info', time: expect.any(String), service: 'gateway', event: 'supergraph_reloaded', path, msg: 'reloaded the supergraph' },
    ]);
    for (const spy of console) expect(spy).not.toHaveBeenCalled();
    expect(stdout).not.toHaveBeenCalled();

    const token = await stack.token(ROLES.hq);
    expect((await graphql(gateway.url, '{ subsidiaries { code } }', {}, { authorization: `Bearer ${token}` })).errors).toBeUndefined();
  });

  it('keeps the previous supergraph when the new one does not load, with one JSON error line', { timeout: 20_000 }, async () => {
    lines.length = 0;
    writeFileSync(path, 'this is not a supergraph');
    expect(await within(5_000, async () => lines.some((line) => line.event === 'supergraph_reload_failed'), 25)).not.toBeNull();
    expect(lines.filter((line) => line.event === 'supergraph_reload_failed')).toEqual([
      expect.objectContaining({ level: 'error', event: 'supergraph_reload_failed', path, error: expect.any(String) }),
    ]);
    const token = await stack.token(ROLES.hq);
    expect((await graphql(gateway.url, '{ subsidiaries { code } }', {}, { authorization: `Bearer ${token}` })).errors).toBeUndefined();
  });
});
