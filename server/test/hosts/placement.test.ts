import { describe, expect, it } from 'vitest';
import { place, type Candidate } from '../../src/hosts/placement.js';

const local: Candidate = {
  id: 'local',
  name: 'This machine',
  local: true,
  state: 'up',
  arch: 'amd64',
};
const arm = (o: Partial<Candidate> = {}): Candidate => ({
  id: 'arm',
  name: 'graviton',
  local: false,
  state: 'up',
  arch: 'arm64',
  ...o,
});
const power: Candidate = {
  id: 'power',
  name: 'power9',
  local: false,
  state: 'up',
  arch: 'ppc64le',
};

describe('place()', () => {
  it("runs this machine's own arch here, even with another native host connected", () => {
    const p = place('linux/amd64', [
      local,
      arm(),
      { ...power, id: 'x2', name: 'x86 box', arch: 'amd64' },
    ]);
    expect(p).toMatchObject({ host: 'local', native: true });
    expect(p.options.map((o) => o.host)).toEqual(['local', 'x2', 'arm']);
  });

  it('sends a foreign arch to the connected host where it is native', () => {
    const p = place('linux/arm64', [local, power, arm()]);
    expect(p).toMatchObject({ host: 'arm', native: true, reason: 'graviton runs arm64 natively.' });
    expect(p.options[0]).toEqual({
      host: 'arm',
      name: 'graviton',
      native: true,
      unavailable: null,
    });
    // This machine is the fallback, emulating; a host of another arch would only emulate.
    expect(p.options[1]).toMatchObject({ host: 'local', native: false, unavailable: null });
    expect(p.options[2]).toMatchObject({ host: 'power', unavailable: 'would emulate it' });
  });

  it('emulates here when the native host is down, unconfirmed or not answered yet', () => {
    for (const state of ['down', 'unconfirmed', 'connecting'] as const) {
      const p = place('linux/arm64/v8', [local, arm({ state })]);
      expect(p).toMatchObject({ host: 'local', native: false });
      expect(p.reason).toMatch(/No connected host runs arm64 natively/);
      expect(p.options.find((o) => o.host === 'arm')?.unavailable).not.toBeNull();
    }
    expect(place('linux/arm64', [local, arm({ arch: null })]).host).toBe('local');
  });

  it('does not count 32-bit arm as native on an arm64 host', () => {
    expect(place('linux/arm/v7', [local, arm()])).toMatchObject({ host: 'local', native: false });
  });

  it('picks among several native hosts by name, the same every time', () => {
    const hosts = [local, arm({ id: 'b', name: 'pi-b' }), arm({ id: 'a', name: 'pi-a' })];
    expect(place('linux/arm64', hosts).host).toBe('a');
    expect(place('linux/arm64', hosts.reverse()).host).toBe('a');
  });

  it('says so when this machine is down too, and still names it', () => {
    const p = place('linux/s390x', [{ ...local, state: 'down' }]);
    expect(p).toMatchObject({ host: 'local', native: false });
    expect(p.options[0]?.unavailable).toBe('down');
  });
});
