import { parseRecordingName, encodeRecordingName, recordingFilePath } from '../../engine/src/recordings/freepbx-name.js';
import { planSync, localRelativePath, recordingId, type LocalRecordingState } from '../../engine/src/recordings/sync-plan.js';
import { hasFixtures, noticeIfMissing, readFixtureJson, readFixture } from '../support/shared-fixtures.js';

describe('FreePBX recording names are read from the right', () => {
  it('parses the example from the FreePBX guide, uniqueid with its dot', () => {
    const p = parseRecordingName('2025/11/23/out-7175882255-200-20251123-175133-1763938293.6');
    expect(p.folderDate).toBe('2025-11-23');
    expect(p.freepbx).toEqual({
      direction: 'out',
      destination: '7175882255',
      source: '200',
      localTime: '2025-11-23T17:51:33',
      startedAtMs: Date.UTC(2025, 10, 23, 17, 51, 33),
      uniqueId: '1763938293.6',
    });
  });

  it.each(['out', 'in', 'internal', 'external', 'q', 'rg', 'conf', 'exten', 'ondemand'])('knows the type %s', (type) => {
    expect(parseRecordingName(`${type}-600-201-20260101-000000-1767225600.1`).freepbx?.direction).toBe(type);
  });

  it('keeps empty source fields (anonymous callers) as empty, not shifted', () => {
    const p = parseRecordingName('q-600--20260101-120000-1767268800.42');
    expect(p.freepbx?.destination).toBe('600');
    expect(p.freepbx?.source).toBe('');
  });

  it.each([
    'ari-bridge-test-1795242891855',
    'sip-call-1795243053455',
    'voicemail-greeting',
    'out-7175882255-200-20261321-065046-1795243846.24', // month 13
    'out-7175882255-200-20261121-256046-1795243846.24', // hour 25
    'out-7175882255-200-20261121-065046-1795243846', // uniqueid without dot
    'fax-7175882255-200-20261121-065046-1795243846.24', // unknown type
    'out-71-75-200-20261121-065046-1795243846.24', // dest/src split unknowable
  ])('keeps %s raw with no guessed fields', (name) => {
    const p = parseRecordingName(name);
    expect(p.raw).toBe(name);
    expect(p.freepbx).toBeUndefined();
  });

  it('encodes slashes as %2F for the file URL', () => {
    expect(encodeRecordingName('monitor/2026/11/21/out-1-2-20261121-065046-1.2')).toBe('monitor%2F2026%2F11%2F21%2Fout-1-2-20261121-065046-1.2');
    expect(recordingFilePath('a/b')).toBe('/ari/recordings/stored/a%2Fb/file');
  });

  describe.skipIf(!hasFixtures)('against the Asterisk 22 capture', () => {
    noticeIfMissing();
    it('parses every MixMonitor name in the real listing and leaves the others raw', () => {
      const cap = readFixtureJson<{ response_body: { name: string; format: string }[] }>('ari', 'recordings', 'get-recordings-stored.json');
      const parsed = cap.response_body.map((r) => parseRecordingName(r.name));
      expect(parsed.filter((p) => p.freepbx).map((p) => p.freepbx!.direction)).toEqual(['in', 'out', 'out', 'out']);
      expect(parsed.filter((p) => !p.freepbx).every((p) => p.folderDate === undefined)).toBe(true);
      const name = readFixture('ari', 'recordings', 'sample-recording-name.txt').toString('utf8').trim();
      const file = readFixtureJson<{ path: string }>('ari', 'recordings', 'get-recordings-stored-file.json');
      expect(recordingFilePath(name)).toBe(file.path);
      expect(parseRecordingName(name).freepbx?.uniqueId).toBe('1795243846.24');
    });
  });
});

describe('listing vs local rows', () => {
  const row = (name: string, over: Partial<LocalRecordingState> = {}): [string, LocalRecordingState] => [name, { name, format: 'wav', status: 'analyzed', fileOk: true, ...over }];

  it('finds new and changed names and counts the rest', () => {
    const local = new Map([
      row('a'),
      row('b', { format: 'gsm' }),
      row('c', { status: 'failed' }),
      row('d', { fileOk: false }),
      row('e', { status: 'unsupported' }),
    ]);
    const plan = planSync(
      [
        { name: 'a', format: 'wav' },
        { name: 'b', format: 'wav' },
        { name: 'c', format: 'wav' },
        { name: 'd', format: 'wav' },
        { name: 'e', format: 'wav' },
        { name: 'f', format: 'wav' },
        { name: 'f', format: 'wav' },
        { format: 'wav' },
        'junk',
      ],
      local,
    );
    expect(plan.added.map((r) => r.name)).toEqual(['f']);
    expect(plan.changed.map((r) => r.name)).toEqual(['b', 'c', 'd']);
    expect(plan.unchanged).toBe(2);
    expect(plan.rejected.map((r) => r.reason)).toEqual(['"f" listed twice', 'entry has no "name"', 'entry is not an object']);
  });

  it('rejects a listing that is not an array', () => {
    expect(planSync({ message: 'x' }, new Map()).rejected).toHaveLength(1);
  });

  it('keeps local paths inside the recordings dir whatever the name', () => {
    expect(localRelativePath('monitor/2026/11/21/out-1-2-20261121-065046-1.2', 'wav')).toBe('monitor/2026/11/21/out-1-2-20261121-065046-1.2.wav');
    for (const evil of ['../../etc/passwd', '/abs/../x', '..', 'a/./b', '.hidden']) {
      const p = localRelativePath(evil, 'wav');
      expect(p.split('/').every((s) => s !== '..' && s !== '.' && !s.startsWith('.'))).toBe(true);
      expect(p.startsWith('/')).toBe(false);
    }
    expect(localRelativePath('a b', 'wav')).not.toBe(localRelativePath('a_b', 'wav'));
    expect(recordingId('x')).toMatch(/^[0-9a-f]{24}$/);
  });
});
