import { execFileSync } from 'node:child_process';

/** Every process below `pid`, from the process table, with its command line. */
export function processTree(pid: number): Map<number, string> {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line)!)
    .map((match) => ({ pid: Number(match[1]), ppid: Number(match[2]), args: match[3]! }));
  const found = new Map<number, string>();
  const walk = (parent: number) => {
    for (const row of table) {
      if (row.ppid === parent) {
        found.set(row.pid, row.args);
        walk(row.pid);
      }
    }
  };
  walk(pid);
  return found;
}

/** The pids of every process below `pid`. */
export function descendants(pid: number): number[] {
  return [...processTree(pid).keys()];
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
