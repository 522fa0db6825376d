// L402 verification throughput: runs server/l402/verify.bench.ts in its own process and reads
// its two lines (verifications per wall-clock second and per CPU-second).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface VerifyFigure {
  name: string;
  perWallSecond: number;
  perCpuSecond: number;
  cpuUsEach: number;
}

export function runVerifyBench(): Promise<VerifyFigure[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', join(ROOT, 'server', 'l402', 'verify.bench.ts')], { cwd: ROOT }, (err, stdout) => {
      if (err) return reject(err);
      const figures: VerifyFigure[] = [];
      // "verifyCredential     123,456 /s wall   130,000 /s per CPU-second   (7.7 µs CPU each)"
      for (const line of stdout.split('\n')) {
        const m = /^(.+?)\s+([\d,]+) \/s wall\s+([\d,]+) \/s per CPU-second\s+\(([\d.]+) µs CPU each\)/.exec(line);
        if (m) figures.push({ name: m[1]!.trim(), perWallSecond: num(m[2]!), perCpuSecond: num(m[3]!), cpuUsEach: Number(m[4]) });
      }
      if (figures.length === 0) return reject(new Error(`could not read verify.bench.ts output:\n${stdout}`));
      resolve(figures);
    });
  });
}

const num = (s: string): number => Number(s.replace(/,/g, ''));
