import { useState } from 'react';
import { getPhone } from './use-phone';
import { sanitizeDialString } from './logic/dtmf';

export interface Destination {
  context: string;
  destination: string;
}

const PAD = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

/** Dial pad plus the contexts' destinations. */
export function Dialer({ destinations, disabled }: { destinations: Destination[]; disabled: boolean }) {
  const [number, setNumber] = useState('');
  const phone = getPhone();
  const call = (target: string) => {
    if (target) void phone.call(target);
  };
  return (
    <div className="sp-dialer">
      <form
        className="sp-row"
        onSubmit={(e) => {
          e.preventDefault();
          call(number.trim());
        }}
      >
        <input aria-label="Number to dial" value={number} onChange={(e) => setNumber(e.target.value)} placeholder="Extension, number or sip: URI" />
        <button type="submit" disabled={disabled || !number.trim()}>
          Call
        </button>
      </form>
      <div className="sp-pad" aria-label="Dial pad">
        {PAD.map((k) => (
          <button type="button" key={k} onClick={() => setNumber((n) => sanitizeDialString(n + k))}>
            {k}
          </button>
        ))}
      </div>
      {destinations.length > 0 && (
        <ul className="sp-destinations" aria-label="Agent destinations">
          {destinations.map((d) => (
            <li key={d.context}>
              <span>
                {d.context} <code>{d.destination}</code>
              </span>
              <button type="button" disabled={disabled} onClick={() => call(d.destination)}>
                Call
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
