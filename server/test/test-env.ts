/** Imported alone by fixtures the e2e tests share (sshd.ts): no app, no dockerode. */
/** The hermetic services `scripts/testenv.sh up` started; integration tests need them. */
export function testEnv() {
  const socket = process.env.ARCHDECK_TEST_PODMAN_SOCKET;
  if (!socket) {
    throw new Error(
      'The test environment is not up: run `bash scripts/testenv.sh up` and source its env file (npm test does both).',
    );
  }
  return {
    socket,
    root: process.env.ARCHDECK_TEST_PODMAN_ROOT!,
    runroot: process.env.ARCHDECK_TEST_PODMAN_RUNROOT!,
    containersConf: process.env.ARCHDECK_TEST_CONTAINERS_CONF!,
    registriesConf: process.env.ARCHDECK_TEST_REGISTRIES_CONF!,
    registry: process.env.ARCHDECK_TEST_REGISTRY!,
    image: process.env.ARCHDECK_TEST_IMAGE!,
  };
}
