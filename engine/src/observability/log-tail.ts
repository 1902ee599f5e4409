import type { LogLine } from '../api/events.js';

const LEVELS: Record<number, LogLine['level']> = { 10: 'debug', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'error' };

/** Keeps the last N log lines (already redacted) for the API's log tail. */
export class LogTail {
  private lines: LogLine[] = [];
  onLine?: (line: LogLine) => void;
  constructor(private readonly max: number) {}

  push(raw: string): void {
    let line: LogLine;
    try {
      const j = JSON.parse(raw) as { level?: number; msg?: string; time?: number; component?: string; service?: string };
      line = { level: LEVELS[j.level ?? 30] ?? 'info', msg: j.msg ?? '', time: j.time ?? Date.now(), component: j.component ?? j.service };
    } catch {
      line = { level: 'info', msg: raw.trim(), time: Date.now() };
    }
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.shift();
    this.onLine?.(line);
  }

  recent(): LogLine[] {
    return [...this.lines];
  }
}
