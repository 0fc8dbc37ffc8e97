// Preloaded into the benchmarked CLI (node --import): reports the process's peak RSS and CPU time on stderr as it exits.
process.on('exit', () => {
  const usage = process.resourceUsage();
  process.stderr.write(`\npeak-rss-kb ${usage.maxRSS} cpu-seconds ${(usage.userCPUTime + usage.systemCPUTime) / 1e6}\n`);
});
