/**
 * The desktop app's own log lines go to stderr and, once the data dir is
 * known, to <dataDir>/logs/desktop.log (a packaged app on Windows/macOS has no
 * visible stderr). Lines arrive already scrubbed of secrets by the engine's
 * logger. The file is rotated once (desktop.log.1) when it passes maxBytes.
 */
import { appendFileSync, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export class TeeLogDestination {
  private file?: string;
  private written = 0;

  constructor(
    private readonly console: { write(line: string): unknown } = process.stderr,
    private readonly maxBytes = 5 * 1024 * 1024,
  ) {}

  attach(file: string): void {
    mkdirSync(dirname(file), { recursive: true });
    this.written = existsSync(file) ? statSync(file).size : 0;
    this.file = file;
    this.rotateIfNeeded();
  }

  write(line: string): void {
    this.console.write(line);
    if (!this.file) return;
    try {
      appendFileSync(this.file, line, { mode: 0o600 });
      this.written += Buffer.byteLength(line);
      this.rotateIfNeeded();
    } catch {
      // a full disk must not take the app down; stderr still has the line
    }
  }

  private rotateIfNeeded(): void {
    if (!this.file || this.written < this.maxBytes) return;
    renameSync(this.file, `${this.file}.1`);
    this.written = 0;
  }
}
