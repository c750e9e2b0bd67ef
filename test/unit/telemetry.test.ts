import { expect, it } from 'vitest';
import { disableApolloTelemetryByDefault } from '../../gateway/src/server';

it("turns @apollo/gateway's outbound telemetry and cloud probing off unless asked for", () => {
  const unset: NodeJS.ProcessEnv = {};
  disableApolloTelemetryByDefault(unset);
  expect(unset.APOLLO_TELEMETRY_DISABLED).toBe('true');
  const chosen: NodeJS.ProcessEnv = { APOLLO_TELEMETRY_DISABLED: 'false' };
  disableApolloTelemetryByDefault(chosen);
  expect(chosen.APOLLO_TELEMETRY_DISABLED).toBe('false');
});
