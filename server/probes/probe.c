/*
 * archdeck's smoke-test probe: the smallest program that proves a platform runs, built for
 * each architecture by scripts/build-probes.sh and run FROM scratch by the daemon
 * (server/src/binfmt/smoke-test.ts). Statically linked, so the image needs no loader or
 * libraries: a failure points at the emulator, not at the image.
 *
 * It reports what the CPU it runs on says about itself, so the daemon can tell "ran under
 * the right emulator" from "ran natively by mistake" or "ran under the wrong one":
 *
 *   archdeck-probe ok machine=<uname -m> bits=<pointer size> endian=<little|big>
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

int main(void) {
  struct utsname u;
  if (uname(&u) != 0) {
    perror("archdeck-probe: uname");
    return 2;
  }

  /* The byte order as the emulated CPU stores it, not as the compiler assumed it. */
  const uint32_t one = 1;
  unsigned char first;
  memcpy(&first, &one, 1);

  if (printf("archdeck-probe ok machine=%s bits=%u endian=%s\n", u.machine,
             (unsigned)(sizeof(void *) * 8), first == 1 ? "little" : "big") < 0) {
    return 3;
  }
  return fflush(stdout) == 0 ? 0 : 3;
}
