// Preloaded into the daemon by the benchmarks only (`node --expose-gc --import …`): on SIGUSR2
// it runs a full garbage collection and writes process.memoryUsage() to the file named by
// ARCHDECK_BENCH_PROBE_OUT. This reads the heap without adding an endpoint to the daemon.
import { renameSync, writeFileSync } from 'node:fs';

const out = process.env.ARCHDECK_BENCH_PROBE_OUT;
if (out) {
  process.on('SIGUSR2', () => {
    if (globalThis.gc) {
      globalThis.gc();
      globalThis.gc();
    }
    writeFileSync(`${out}.tmp`, JSON.stringify({ ...process.memoryUsage(), gc: !!globalThis.gc }));
    renameSync(`${out}.tmp`, out);
  });
}
