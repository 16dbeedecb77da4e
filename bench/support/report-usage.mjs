// Preloaded into a measured process (`node --import ./bench/support/report-usage.mjs …`): at exit
// it writes that process's own CPU time and peak RSS to $SPENDWALL_USAGE_FILE, so a benchmark can
// measure a child process exactly, without sampling.
import { writeFileSync } from 'node:fs';

const target = process.env.SPENDWALL_USAGE_FILE;
if (target) {
  process.on('exit', () => {
    const usage = process.resourceUsage();
    writeFileSync(
      target,
      JSON.stringify({
        cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
        maxRssMb: usage.maxRSS / 1024,
      }),
    );
  });
}
