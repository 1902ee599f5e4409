import type { ConfigIssue, ConfigView } from '../../api/contract';
import { FieldIssues } from './FieldIssues';

/** How a failover value reads: `transfer:sales_queue` → "transfer to sales_queue". */
function describeFailover(value: string | undefined, continueTo?: string): string {
  if (!value || value === 'hangup') return 'hang up';
  if (value === 'continue') return continueTo ? `continue in the dialplan (${continueTo})` : 'continue in the dialplan';
  return value.startsWith('transfer:') ? `transfer to ${value.slice('transfer:'.length)}` : value;
}

/** Where this context's calls go when the provider fails (after the fallback line): the global default, hang up, the dialplan, or a transfer destination. */
export function ContextFailoverField({ config, value, onChange, issues }: { config: ConfigView; value: string; onChange(v: string): void; issues: ConfigIssue[] | undefined }) {
  const known = ['', 'hangup', 'continue', ...config.transferDestinations.map((d) => `transfer:${d.name}`)];
  return (
    <div className="field">
      <label htmlFor="ctx-failover">When the provider fails</label>
      <select id="ctx-failover" value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={!!issues?.length} aria-describedby={issues?.length ? 'ctx-failover-issues' : undefined}>
        <option value="">default: {describeFailover(config.defaultFailover, config.failoverContinueTo)}</option>
        <option value="hangup">hang up</option>
        <option value="continue">{describeFailover('continue', config.failoverContinueTo)}</option>
        {config.transferDestinations.map((d) => (
          <option key={d.name} value={`transfer:${d.name}`}>
            transfer to {d.name} ({d.type} {d.target})
          </option>
        ))}
        {!known.includes(value) && <option value={value}>{value} (not a transfer destination)</option>}
      </select>
      <span className="muted small">The caller first hears the fallback line (on_provider_failure.message or .sound).</span>
      <FieldIssues id="ctx-failover-issues" issues={issues} />
    </div>
  );
}
