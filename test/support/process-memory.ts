// How much memory another process holds, read from Linux's /proc: the figure a flood test judges by.
import { readFileSync } from 'node:fs';

/** Resident memory of a process in MB, from the kernel's own account (Linux). */
export function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

/**
 * The most a process's resident memory grew over `work`, sampled every 100 ms (a flood's
 * cost is its peak, not where it settles), in MB above where it was before.
 */
export async function peakGrowthMb(pid: number, work: () => Promise<void>): Promise<number> {
  const before = rssMb(pid);
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
  try {
    await work();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, rssMb(pid)) - before;
}
