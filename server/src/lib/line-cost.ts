import type { LogLine } from '@archdeck/shared';

/** What a kept log line costs in memory, roughly: its text and the object around it. */
export const lineCost = (line: LogLine) => line.t.length + 64;
