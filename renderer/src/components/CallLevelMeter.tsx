import { useEffect, useRef } from 'react';
import { useStores } from '../stores/react';
import { meterFraction, SILENCE_DB } from '../stores/levels';

const label = (db: number | undefined) => (db === undefined || db <= SILENCE_DB + 1 ? 'silent' : `${Math.round(db)} dBFS`);

/**
 * Caller and agent levels of one live call, from the `calls.levels` events. The bars are written
 * straight to the DOM from a transient store subscription (five updates a second, no re-render).
 */
export function CallLevelMeter({ callId }: { callId: string }) {
  const { levels } = useStores();
  const caller = useRef<HTMLSpanElement>(null);
  const agent = useRef<HTMLSpanElement>(null);
  const root = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const write = () => {
      const l = levels.getState().byCall[callId];
      const parts: [HTMLSpanElement | null, number | undefined][] = [
        [caller.current, l?.callerDb],
        [agent.current, l?.agentDb],
      ];
      for (const [bar, db] of parts) {
        if (!bar) continue;
        bar.style.width = `${Math.round(meterFraction(db) * 100)}%`;
        bar.dataset.db = db === undefined ? '' : String(Math.round(db));
      }
      if (root.current) root.current.title = `caller ${label(l?.callerDb)} · agent ${label(l?.agentDb)}`;
    };
    write();
    return levels.subscribe(write);
  }, [levels, callId]);
  return (
    <span className="call-meter" ref={root} role="img" aria-label="Audio levels: caller and agent" data-testid="call-meter">
      <span className="call-meter-row">
        <span className="call-meter-who">caller</span>
        <span className="call-meter-track">
          <span className="call-meter-bar caller" ref={caller} data-testid="meter-caller" />
        </span>
      </span>
      <span className="call-meter-row">
        <span className="call-meter-who">agent</span>
        <span className="call-meter-track">
          <span className="call-meter-bar agent" ref={agent} data-testid="meter-agent" />
        </span>
      </span>
    </span>
  );
}
