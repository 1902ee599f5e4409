/** Colours from the stylesheet, so charts and the waveform follow light/dark mode. */
export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}
