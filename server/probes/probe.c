/*
 * archdeck's smoke-test probe: the smallest program that proves a platform runs. The daemon
 * runs it FROM scratch (server/src/binfmt/smoke-test.ts), so a failure points at the emulator,
 * not at the image. It reports what the CPU it runs on says about itself, so the daemon can
 * tell "ran under the right emulator" from "ran natively by mistake" or "under the wrong one":
 *
 *   archdeck-probe ok machine=<uname -m> bits=<pointer size> endian=<little|big>
 *
 * Freestanding: no C library, three raw system calls (uname, write, exit_group). That keeps
 * each binary a few hundred bytes of code and lets scripts/build-probes.sh rebuild it with a
 * bare cross compiler (no libc6-dev-*-cross), bit for bit, so the binaries are committed and
 * `npm start` needs no compiler at all. Built with -nostdlib -ffreestanding -static: nothing
 * here may call memcpy, memset or a libgcc helper (a division on 32-bit arm would), because
 * nothing links them; the link fails if something does.
 */

typedef unsigned long word;

/*
 * Per-architecture system call stubs: sys3(nr, a, b, c) traps into the kernel with the
 * architecture's calling convention and returns its result (negative errno on failure, made
 * so on the architectures that report errors in a flag instead). The numbers are from each
 * architecture's asm/unistd.h: the generic table on arm64 and riscv64, the legacy one on
 * i386, arm, ppc and s390, and the ABI's own base on mips (4000 o32, 5000 n64).
 *
 * Most architectures take the number and the arguments in registers, trap with one
 * instruction, and return the result in the first argument's register: SYS3_IN_REGISTERS
 * writes their stub.
 */
#define SYS3_IN_REGISTERS(insn, nr_reg, a_reg, b_reg, c_reg)                                    \
  static inline long sys3(long nr, word a, word b, word c) {                                   \
    register long n_ __asm__(nr_reg) = nr;                                                     \
    register word a_ __asm__(a_reg) = a;                                                       \
    register word b_ __asm__(b_reg) = b;                                                       \
    register word c_ __asm__(c_reg) = c;                                                       \
    __asm__ volatile(insn : "+r"(a_) : "r"(n_), "r"(b_), "r"(c_) : "memory");                  \
    return (long)a_;                                                                           \
  }

#if defined(__x86_64__)
#define NR_UNAME 63
#define NR_WRITE 1
#define NR_EXIT_GROUP 231
static inline long sys3(long nr, word a, word b, word c) {
  long ret;
  /* The syscall instruction itself overwrites rcx (return address) and r11 (flags). */
  __asm__ volatile("syscall"
                   : "=a"(ret)
                   : "a"(nr), "D"(a), "S"(b), "d"(c)
                   : "rcx", "r11", "memory");
  return ret;
}

#elif defined(__i386__)
#define NR_UNAME 122 /* newuname: the 65-byte fields of every other architecture */
#define NR_WRITE 4
#define NR_EXIT_GROUP 252
static inline long sys3(long nr, word a, word b, word c) {
  long ret;
  __asm__ volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b), "d"(c) : "memory");
  return ret;
}

#elif defined(__aarch64__)
#define NR_UNAME 160
#define NR_WRITE 64
#define NR_EXIT_GROUP 94
SYS3_IN_REGISTERS("svc #0", "x8", "x0", "x1", "x2")

#elif defined(__arm__)
/* EABI: the number in r7 and `svc #0` (OABI encoded it in the instruction). r7 is also the
 * Thumb frame pointer, which -Os leaves free. */
#define NR_UNAME 122
#define NR_WRITE 4
#define NR_EXIT_GROUP 248
SYS3_IN_REGISTERS("svc #0", "r7", "r0", "r1", "r2")

#elif defined(__powerpc64__)
#define NR_UNAME 122
#define NR_WRITE 4
#define NR_EXIT_GROUP 234
static inline long sys3(long nr, word a, word b, word c) {
  register long r0 __asm__("r0") = nr;
  register word r3 __asm__("r3") = a;
  register word r4 __asm__("r4") = b;
  register word r5 __asm__("r5") = c;
  /* The kernel returns a positive errno in r3 and flags the error in cr0.SO; the branch turns
   * it into the negative value every other architecture returns. It may also clobber the
   * other volatile registers (r6-r12, ctr, xer, cr0). */
  __asm__ volatile("sc\n\t"
                   "bns+ 1f\n\t"
                   "neg %1, %1\n"
                   "1:"
                   : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5)
                   :
                   : "r6", "r7", "r8", "r9", "r10", "r11", "r12", "ctr", "xer", "cr0", "memory");
  return (long)r3;
}

#elif defined(__s390x__)
#define NR_UNAME 122
#define NR_WRITE 4
#define NR_EXIT_GROUP 248
/* `svc 0` takes the number from r1 (an immediate only reaches 255). */
SYS3_IN_REGISTERS("svc 0", "r1", "r2", "r3", "r4")

#elif defined(__riscv) && __riscv_xlen == 64
#define NR_UNAME 160
#define NR_WRITE 64
#define NR_EXIT_GROUP 94
SYS3_IN_REGISTERS("ecall", "a7", "a0", "a1", "a2")

#elif defined(__mips__) && (_MIPS_SIM == _ABI64 || _MIPS_SIM == _ABIO32)
#if _MIPS_SIM == _ABI64
#define NR_UNAME 5061
#define NR_WRITE 5001
#define NR_EXIT_GROUP 5205
#else
#define NR_UNAME 4122
#define NR_WRITE 4004
#define NR_EXIT_GROUP 4246
#endif
static inline long sys3(long nr, word a, word b, word c) {
  register long v0 __asm__("$2") = nr;
  register word a0 __asm__("$4") = a;
  register word a1 __asm__("$5") = b;
  register word a2 __asm__("$6") = c;
  /* On return a3 is nonzero when v0 holds a positive errno. The kernel may clobber the
   * temporaries ($1, $3, $8-$15, $24, $25), hi and lo. */
  register word a3 __asm__("$7");
  __asm__ volatile(".set push\n\t.set noreorder\n\tsyscall\n\t.set pop"
                   : "+r"(v0), "=r"(a3)
                   : "r"(a0), "r"(a1), "r"(a2)
                   : "$1", "$3", "$8", "$9", "$10", "$11", "$12", "$13", "$14", "$15", "$24",
                     "$25", "hi", "lo", "memory");
  return a3 ? -v0 : v0;
}

#else
#error "no system call stub for this architecture: add one above"
#endif

/* struct new_utsname: six NUL-terminated 65-byte fields, the same on every architecture. */
struct utsname {
  char sysname[65], nodename[65], release[65], version[65], machine[65], domainname[65];
};

#if __SIZEOF_POINTER__ == 8
#define BITS "64"
#elif __SIZEOF_POINTER__ == 4
#define BITS "32"
#endif

static word length(const char *s) {
  word n = 0;
  while (s[n] != '\0') n++;
  return n;
}

/* Appends s at out[*at], never past `size` bytes. */
static void put(char *out, word size, word *at, const char *s) {
  for (; *s != '\0' && *at < size; s++) out[(*at)++] = *s;
}

static __attribute__((noreturn)) void exit_group(int code) {
  for (;;) sys3(NR_EXIT_GROUP, (word)code, 0, 0);
}

static int write_all(int fd, const char *buf, word len) {
  while (len > 0) {
    long n = sys3(NR_WRITE, (word)fd, (word)buf, len);
    if (n == -4 /* EINTR */) continue;
    if (n <= 0) return -1;
    buf += n;
    len -= (word)n;
  }
  return 0;
}

static __attribute__((noreturn)) void fail(const char *message, int code) {
  write_all(2, message, length(message));
  exit_group(code);
}

/*
 * The entry point, written in C on every architecture: the stack and registers the kernel
 * hands over are enough for code that takes no arguments and never returns. On big-endian
 * ppc64 (ELFv1) that is what makes the entry right: the compiler gives _start a function
 * descriptor in .opd, e_entry points at it, and the kernel (and qemu) load the code address
 * and the TOC pointer from it. An assembler _start would need that descriptor by hand.
 *
 * x86 is the exception to "enough": its ABI wants the stack 16-byte aligned minus the return
 * address at a function's entry, and the kernel enters with it aligned, so the compiler is
 * told to realign it.
 */
#if defined(__x86_64__) || defined(__i386__)
__attribute__((force_align_arg_pointer))
#endif
__attribute__((noreturn, used)) void
_start(void) {
  struct utsname u;
  if (sys3(NR_UNAME, (word)&u, 0, 0) != 0) fail("archdeck-probe: uname failed\n", 2);
  u.machine[sizeof u.machine - 1] = '\0';

  /* The byte order as the emulated CPU stores it: volatile, so the compiler cannot fold it
   * into what it assumed for the target. */
  volatile unsigned int one = 1;
  const char *endian = *(volatile unsigned char *)&one == 1 ? "little" : "big";

  char line[160];
  word at = 0;
  put(line, sizeof line, &at, "archdeck-probe ok machine=");
  put(line, sizeof line, &at, u.machine);
  put(line, sizeof line, &at, " bits=" BITS " endian=");
  put(line, sizeof line, &at, endian);
  put(line, sizeof line, &at, "\n");
  if (write_all(1, line, at) != 0) exit_group(3);
  exit_group(0);
}
