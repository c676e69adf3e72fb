import type { BinfmtHealth, ContainerCheck, PodmanHealth, Problem } from '@archdeck/shared';
import { MOUNT_COMMAND } from '../emulators/binfmt-fs.js';

/** Turns the raw health facts into problems a user can act on, each with its fix. */
export function hostProblems(h: {
  binfmt: BinfmtHealth;
  podman: PodmanHealth;
  containers: ContainerCheck;
}): Problem[] {
  const problems: Problem[] = [];
  if (h.containers.canStart === 'no') {
    problems.push({
      id: 'containers-cannot-start',
      severity: 'error',
      message: `podman cannot start containers here: ${h.containers.error ?? 'it gave no reason'}`,
      fix: h.containers.fix ?? '',
    });
  }
  if (!h.podman.reachable) {
    problems.push({
      id: 'podman-unreachable',
      severity: 'error',
      message: `podman is not reachable (${h.podman.socket}): ${h.podman.error ?? 'unknown error'}`,
      fix:
        h.podman.mode === 'none'
          ? 'sudo apt-get install -y podman runc'
          : 'podman info   # then restart archdeck, or start a service: podman system service --time=0',
    });
  }
  if (!h.binfmt.mounted) {
    problems.push({
      id: 'binfmt-not-mounted',
      severity: 'error',
      message: `binfmt_misc is not mounted at ${h.binfmt.root}, so no foreign binary can run.`,
      fix: `sudo ${MOUNT_COMMAND}`,
      action: 'mount-binfmt',
    });
  } else if (h.binfmt.enabled === false) {
    problems.push({
      id: 'binfmt-disabled',
      severity: 'error',
      message: 'binfmt_misc is globally disabled, so no emulator is used.',
      fix: `echo 1 | sudo tee ${h.binfmt.root}/status`,
    });
  } else if (h.binfmt.entries === 0) {
    problems.push(
      h.binfmt.interpreters
        ? {
            id: 'binfmt-no-entries',
            severity: 'warning',
            message: `No binfmt_misc handlers are registered, so only native images can run. qemu-user is installed (${h.binfmt.interpreters} interpreters): register its handlers.`,
            fix: `for f in /usr/lib/binfmt.d/qemu-*.conf; do sudo sh -c "grep -v '^#' $f > ${h.binfmt.root}/register"; done`,
            action: 'register-emulators',
          }
        : {
            id: 'binfmt-no-entries',
            severity: 'warning',
            message:
              'No binfmt_misc handlers are registered, and no qemu-user interpreter is installed: only native images can run.',
            fix: 'sudo apt-get install -y qemu-user-static   # then register its handlers (the Emulators page does it)',
          },
    );
  }
  return problems;
}
