/**
 * The federation scenario's code works (no timing assertions): its subgraphs compose and answer,
 * the deep query plans to the calls the scenario is about, and one tiny run of the scenario drives
 * this gateway, stock Apollo Gateway — and Hive Gateway when bench/federation/hive is installed —
 * in their own processes through every load without a failed request, with their answers checked
 * equal, and renders its report section with the targets.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ApolloServer } from '@apollo/server';
import { ApolloGateway } from '@apollo/gateway';
import { failures } from '../../bench/load';
import { composeSupergraph } from '../../bench/federation/compose';
import { hiveInstall } from '../../bench/federation/hive-install';
import { deepRequest, PAGE } from '../../bench/federation/query';
import { renderFederationSection, median } from '../../bench/federation/report';
import { runFederationScenario } from '../../bench/federation/scenario';
import { startSubgraphServer, type RunningSubgraph } from '../../bench/federation/subgraph-server';
import { FEDERATION_SUBGRAPHS } from '../../bench/federation/subgraphs';
import type { GatewayKey } from '../../bench/federation/gateways';

const logDir = mkdtempSync(path.join(tmpdir(), 'bench-federation-'));
const running: RunningSubgraph[] = [];

afterAll(async () => {
  await Promise.all(running.map((subgraph) => subgraph.close()));
  rmSync(logDir, { recursive: true, force: true });
});

interface Deep {
  users: { id: string; reviews: { product: { upc: string; inStock: boolean; shippingEstimate: number; price: number; weight: number; reviews: { author: { username: string; reviews: unknown[] } }[] } }[] }[];
  topProducts: { upc: string }[];
}

describe('federation benchmark subgraphs', () => {
  it('compose into a supergraph whose deep query resolves across all four, with @requires and @provides', async () => {
    running.push(...(await Promise.all(FEDERATION_SUBGRAPHS.map((subgraph) => startSubgraphServer(subgraph)))));
    const supergraphSdl = composeSupergraph(Object.fromEntries(running.map((subgraph) => [subgraph.name, subgraph.url])));
    const server = new ApolloServer({ gateway: new ApolloGateway({ supergraphSdl }) });
    await server.start();
    try {
      const first = await server.executeOperation(deepRequest(0));
      const shifted = await server.executeOperation(deepRequest(5));
      if (first.body.kind !== 'single' || shifted.body.kind !== 'single') throw new Error('not a single result');
      expect(first.body.singleResult.errors).toBeUndefined();
      const data = first.body.singleResult.data as unknown as Deep;
      expect(data.users.map((user) => user.id)).toEqual(Array.from({ length: PAGE }, (_, index) => `u${index + 1}`));
      const product = data.users[0]!.reviews[0]!.product;
      expect(product.shippingEstimate).toBe(product.price > 1_000 ? 0 : Math.round(product.weight / 2));
      expect(product.reviews[0]!.author.username).toMatch(/^user_\d{3}$/);
      expect(product.reviews[0]!.author.reviews.length).toBe(3);
      const bytes = Buffer.byteLength(JSON.stringify(first.body.singleResult));
      expect(bytes).toBeGreaterThan(70_000);
      expect(bytes).toBeLessThan(110_000);
      // another offset is another answer: distinct clients share nothing
      expect((shifted.body.singleResult.data as unknown as Deep).users[0]!.id).toBe('u6');
    } finally {
      await server.stop();
    }
  });
});

describe('federation scenario', () => {
  it('runs the gateways through every load without a failed request, and reports the targets', { timeout: 300_000 }, async () => {
    const hive = hiveInstall().gateway !== null;
    const gateways: GatewayKey[] = ['project', 'stock', ...(hive ? (['hive'] as const) : [])];
    const results = await runFederationScenario({ seconds: 0.3, rounds: 2, connections: 4, gateways, installHive: false, logDir, log: () => {} });
    expect(results.gateways.map((gateway) => gateway.key)).toEqual(gateways);
    expect(results.plan.fetches).toBeGreaterThanOrEqual(10);
    expect(results.plan.fetches).toBeLessThanOrEqual(16);
    expect(results.responseBytes).toBeGreaterThan(70_000);
    for (const gateway of results.gateways) {
      for (const load of [gateway.identical, gateway.distinct, gateway.unloaded]) {
        expect(load).toHaveLength(2);
        for (const round of load) {
          expect(round.result.firstFailure).toBeUndefined();
          expect(failures(round.result)).toBe(0);
          expect(round.result.requests).toBeGreaterThan(0);
        }
      }
      expect(median(gateway.identical.map((round) => round.usage.cpuMs.gateway ?? 0))).toBeGreaterThan(0);
      expect(gateway.peakRss).toBeGreaterThan(10 * 1_048_576);
    }
    for (const round of [...results.floor.identical, ...results.floor.unloaded]) expect(failures(round.result)).toBe(0);
    const section = renderFederationSection(results);
    expect(section).toContain('### Targets (issue 15)');
    expect(section).toMatch(/identical clients ≥ 30× stock \(defaults\) \| [\d.]+× .* \| \*\*(PASS|MISS)\*\*/);
    expect(section).toMatch(hive ? /identical clients ≥ 1\.3× Hive Gateway defaults \| [\d.]+×/ : /Hive Gateway not measured/);
  });
});
