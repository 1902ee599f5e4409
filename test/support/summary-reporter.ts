/**
 * Prints the plain closing line CI reads: "N passed, N failed, N skipped",
 * plus the errors thrown outside any test (they fail the run too), and which
 * tests were skipped, so a skip is never silent.
 */
import type { Reporter, TestModule, SerializedError } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<SerializedError> = []): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    const skippedNames: string[] = [];
    for (const m of testModules) {
      for (const t of m.children.allTests()) {
        const s = t.result().state;
        if (s === 'passed') passed++;
        else if (s === 'failed') failed++;
        else {
          skipped++;
          skippedNames.push(`${m.moduleId.replace(process.cwd() + '/', '')} > ${t.fullName}`);
        }
      }
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
    }
    if (skippedNames.length > 0 && skippedNames.length <= 20) process.stdout.write(`\nskipped:\n${skippedNames.map((n) => `  ${n}`).join('\n')}\n`);
    const errors = unhandledErrors.length > 0 ? `, ${unhandledErrors.length} errors outside tests` : '';
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped${errors}\n`);
  }
}
