/**
 * Reads the V8 CPU profiles that `--cpu-prof` writes (bench/results/profiles/*.cpuprofile) and
 * says where a process spent its CPU: self time by package (node_modules/<name>, the project's
 * own folders, node internals, GC) and by function.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  /** Sampled CPU time, ms (idle excluded). */
  busyMs: number;
  byPackage: { name: string; ms: number; share: number }[];
  byFunction: { name: string; ms: number; share: number }[];
}

/** "graphql", "@apollo/gateway", "project:gateway/src", "node:undici", "(garbage collector)" … */
export function packageOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  if (url.startsWith('node:')) {
    // node:internal/deps/undici/undici → node:undici (fetch), node:internal/streams/… → node:streams, node:_http_server → node:http
    const parts = url.slice('node:'.length).split('/');
    if (parts[0] === 'internal') return `node:${parts[1] === 'deps' ? parts[2] : parts[1]}`;
    return `node:${parts[0]!.replace(/^_/, '').replace(/_.*$/, '')}`;
  }
  const file = url.replace(/^file:\/\//, '');
  const relative = path.relative(path.resolve(path.dirname(new URL(import.meta.url).pathname), '..'), file);
  return relative.startsWith('..') ? file : `project:${path.dirname(relative)}`;
}

export function summarizeProfile(file: string, top = 12): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const packages = new Map<string, number>();
  const functions = new Map<string, number>();
  let busy = 0;
  for (const [id, us] of selfUs) {
    const { callFrame } = byId.get(id)!;
    if (callFrame.functionName === '(idle)' || callFrame.functionName === '(program)') continue;
    busy += us;
    const pkg = packageOf(callFrame.url, callFrame.functionName);
    packages.set(pkg, (packages.get(pkg) ?? 0) + us);
    const name = `${callFrame.functionName || '(anonymous)'} ${pkg.startsWith('project:') || pkg.startsWith('node:') ? `${path.basename(callFrame.url)}:${callFrame.lineNumber + 1}` : pkg}`;
    functions.set(name, (functions.get(name) ?? 0) + us);
  }
  const ranked = (map: Map<string, number>) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, ms: us / 1000, share: us / busy }));
  return { file: path.basename(file), busyMs: busy / 1000, byPackage: ranked(packages), byFunction: ranked(functions) };
}
