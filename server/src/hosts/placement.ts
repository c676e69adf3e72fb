/**
 * Where a run of a platform goes. Emulation costs 3× and more, so a connected host whose own
 * CPU runs the platform wins; this machine wins among native hosts (no network in between);
 * with no native host connected, qemu on this machine runs it. Pure: the hosts are described
 * by what their engines report (arch, state), so it is tested with hosts of any arch.
 */
import {
  parsePlatform,
  type HostState,
  type Placement,
  type PlacementOption,
} from '@archdeck/shared';

export interface Candidate {
  id: string;
  name: string;
  local: boolean;
  state: HostState;
  /** The OCI architecture podman reports on it (Go's GOARCH), null until it answered. */
  arch: string | null;
}

/**
 * Native means the same architecture, nothing looser: an arm64 CPU may or may not run 32-bit
 * arm code (many server cores dropped AArch32) and an amd64 kernel may lack IA-32 support, so
 * neither is assumed; such runs are emulated unless a host of that very arch is connected.
 */
const nativeFor = (platform: string, arch: string | null) =>
  arch !== null && parsePlatform(platform).arch === arch;

const unavailable: Record<HostState, string | null> = {
  up: null,
  connecting: 'still connecting',
  down: 'down',
  unconfirmed: 'its host key is not confirmed yet',
};

export function place(platform: string, hosts: Candidate[]): Placement {
  const local = hosts.find((h) => h.local);
  if (!local) throw new Error('the local host is always a candidate');
  const options: (PlacementOption & { rank: number })[] = hosts.map((h) => {
    const native = nativeFor(platform, h.arch);
    // Remote hosts only run what they run natively: whether they could emulate is not known
    // from here (their binfmt_misc is not readable over podman's API).
    const why = unavailable[h.state] ?? (native || h.local ? null : 'would emulate it');
    const rank = (why ? 4 : 0) + (native ? 0 : 2) + (h.local ? 0 : 1);
    return { host: h.id, name: h.name, native, unavailable: why, rank };
  });
  options.sort((a, b) => a.rank - b.rank || a.name.localeCompare(b.name));
  const chosen =
    options.find((o) => o.unavailable === null) ?? options.find((o) => o.host === local.id)!;
  const arch = parsePlatform(platform).arch;
  const reason = chosen.native
    ? chosen.host === local.id
      ? `${arch} is this machine's own architecture.`
      : `${chosen.name} runs ${arch} natively.`
    : `No connected host runs ${arch} natively: qemu emulates it on this machine.`;
  return {
    platform,
    host: chosen.host,
    native: chosen.native,
    reason,
    options: options.map(({ rank: _rank, ...o }) => o),
  };
}
