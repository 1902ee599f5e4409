// Softphone page: owned by the softphone work (renderer/src/softphone/). Replaced as it lands.
export default function SoftphonePage() {
  return (
    <section aria-labelledby="softphone-title">
      <h1 id="softphone-title">Softphone</h1>
      <p>The softphone is not built into this version yet.</p>
    </section>
  );
}
