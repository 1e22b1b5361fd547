import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../src/cli/lint.js';
import { loadProfile } from '../../src/profiles/load.js';

const run = () =>
  lintFiles(['fixtures/pfsense/rules/fwl011-forwards.xml'], [loadProfile('openscape-business')], 'auto', {
    phones: [],
    wan: [],
    audiences: [],
    devices: ['osbiz-x'],
  }).report;

describe('what is not checked is said once', () => {
  it('without --pbx: one note for the port-forwards, and their verdicts are "not checked"', () => {
    const report = run();
    const notes = report.notifications.map((n) => n.message).filter((m) => m.includes('--pbx'));
    expect(notes).toHaveLength(1);
    const forwards = (loadProfile('openscape-business').portForwards ?? []).map((p) => p.id);
    expect(forwards.length).toBeGreaterThan(0);
    const verdicts = report.requirements?.filter((v) => forwards.includes(v.id)) ?? [];
    expect(verdicts.map((v) => v.status)).toEqual(forwards.map(() => 'not-checked'));
  });

  it('an audience not opted in: one note naming flows and settings alike', () => {
    const notes = run()
      .notifications.map((n) => n.message)
      .filter((m) => m.includes('--audience'));
    expect(notes).toHaveLength(1);
  });
});
