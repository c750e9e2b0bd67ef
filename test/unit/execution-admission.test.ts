/**
 * The gateway's execution admission (gateway/src/execution-admission.ts), with the event loop's
 * utilization given by the test instead of measured.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ExecutionAdmission } from '../../gateway/src/execution-admission';
import { loadGatewayConfig } from '../../gateway/src/config';

/** An execution the test finishes when it wants. */
function held() {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const done = new Promise<string>((resolve, reject) => {
    finish = () => resolve('ran');
    fail = reject;
  });
  let started = false;
  return {
    execute: () => {
      started = true;
      return done;
    },
    get started() {
      return started;
    },
    finish,
    fail,
  };
}

const later = () => Date.now() + 60_000;
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('execution admission', () => {
  const admissions: ExecutionAdmission[] = [];
  const admission = (min: number, max: number, utilization: () => number = () => 0.5) => {
    const created = new ExecutionAdmission({ min, max, intervalMs: 60_000, utilization });
    admissions.push(created);
    return created;
  };
  afterEach(() => admissions.splice(0).forEach((created) => created.close()));

  it('runs at most its limit at once and starts the others in arrival order as places free up', async () => {
    const limited = admission(2, 2);
    const executions = [held(), held(), held(), held()];
    const answers = executions.map((execution) => limited.run(later(), execution.execute, () => 'timed out'));
    await tick();
    expect(executions.map((execution) => execution.started)).toEqual([true, true, false, false]);
    expect([limited.active, limited.queued]).toEqual([2, 2]);
    executions[1]!.finish();
    await tick();
    expect(executions.map((execution) => execution.started)).toEqual([true, true, true, false]);
    executions[0]!.fail(new Error('subgraph down'));
    await expect(answers[0]).rejects.toThrow('subgraph down');
    await tick();
    expect(executions[3]!.started, 'a failed execution frees its place too').toBe(true);
    executions[2]!.finish();
    executions[3]!.finish();
    expect(await Promise.all(answers.slice(1))).toEqual(['ran', 'ran', 'ran']);
    expect([limited.active, limited.queued]).toEqual([0, 0]);
  });

  it('answers a request whose deadline passes while it waits without running it', async () => {
    const limited = admission(1, 1);
    const first = held();
    const running = limited.run(later(), first.execute, () => 'timed out');
    const never = held();
    const waited = await limited.run(Date.now() + 30, never.execute, () => 'timed out');
    expect(waited).toBe('timed out');
    expect(never.started).toBe(false);
    expect(limited.queued).toBe(0);
    first.finish();
    expect(await running).toBe('ran');
  });

  it('shrinks towards its minimum while the event loop is saturated, and grows while it has time to spare and requests wait', async () => {
    let utilization = 1;
    const adaptive = admission(4, 64, () => utilization);
    const executions = Array.from({ length: 40 }, () => held());
    executions.forEach((execution) => void adaptive.run(later(), execution.execute, () => 'timed out'));
    await tick();
    expect(adaptive.active).toBe(40);
    adaptive.adapt();
    expect(adaptive.limit).toBe(30);
    for (let step = 0; step < 10; step += 1) adaptive.adapt();
    expect(adaptive.limit).toBe(4);
    executions.slice(0, 36).forEach((execution) => execution.finish());
    await tick();
    const more = Array.from({ length: 20 }, () => held());
    more.forEach((execution) => void adaptive.run(later(), execution.execute, () => 'timed out'));
    await tick();
    expect([adaptive.active, adaptive.queued], 'saturated: no more than the limit start').toEqual([4, 20]);

    utilization = 0.9; // neither saturated nor idle: the limit holds
    adaptive.adapt();
    expect(adaptive.limit).toBe(4);
    utilization = 0.3;
    adaptive.adapt();
    expect(adaptive.limit).toBe(5);
    expect(adaptive.active, 'a grown limit starts waiting requests at once').toBe(5);
    for (let step = 0; step < 20; step += 1) adaptive.adapt();
    expect(adaptive.limit).toBeLessThanOrEqual(64);
    expect(adaptive.queued).toBe(0);
    const grown = adaptive.limit;
    adaptive.adapt();
    expect(adaptive.limit, 'nobody waits: no reason to grow').toBe(grown);
    [...executions.slice(36), ...more].forEach((execution) => execution.finish());
  });

  it('is adaptive by default, fixed or off when MAX_CONCURRENT_EXECUTIONS says so, and refuses anything else', () => {
    expect(loadGatewayConfig({}, []).executions).toEqual({ min: 4, max: 256 });
    expect(loadGatewayConfig({ MAX_CONCURRENT_EXECUTIONS: 'auto' }, []).executions).toEqual({ min: 4, max: 256 });
    expect(loadGatewayConfig({ MAX_CONCURRENT_EXECUTIONS: '16' }, []).executions).toEqual({ min: 16, max: 16 });
    expect(loadGatewayConfig({ MAX_CONCURRENT_EXECUTIONS: 'off' }, []).executions).toBeNull();
    expect(() => loadGatewayConfig({ MAX_CONCURRENT_EXECUTIONS: '0' }, [])).toThrow(/MAX_CONCURRENT_EXECUTIONS must be auto, off or a whole number from 1 to 100000, got "0"/);
    expect(() => loadGatewayConfig({ MAX_CONCURRENT_EXECUTIONS: 'lots' }, [])).toThrow(/MAX_CONCURRENT_EXECUTIONS/);
  });
});
