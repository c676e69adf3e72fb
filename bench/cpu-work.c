/*
 * The emulated-CPU benchmark's workload (bench/cpu-models.mjs): a recursive fib(N), timed by
 * the program itself with CLOCK_MONOTONIC, so container start and qemu's own start are not in
 * the figure. Built at bench time with the probes' cross compilers; arm64 with
 * -mbranch-protection=standard, as distributions that enable it build their packages, so each
 * call signs and checks its return address (pointer authentication), which is what qemu's
 * default aarch64 model emulates slowly. Freestanding, like server/probes/probe.c: only the
 * three system calls below, for the four architectures the benchmark runs.
 *
 *   cpu-work fib=<fib(N)> ns=<compute time>
 */
typedef unsigned long word;

#if defined(__x86_64__)
#define NR_CLOCK_GETTIME 228
#define NR_WRITE 1
#define NR_EXIT_GROUP 231
static long sys3(long nr, word a, word b, word c) {
  long ret;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
  return ret;
}
#elif defined(__aarch64__) || defined(__s390x__)
#if defined(__aarch64__)
#define NR_CLOCK_GETTIME 113
#define NR_WRITE 64
#define NR_EXIT_GROUP 94
#define INSN "svc #0"
#define NR_REG "x8"
#define A_REG "x0"
#define B_REG "x1"
#define C_REG "x2"
#else
#define NR_CLOCK_GETTIME 260
#define NR_WRITE 4
#define NR_EXIT_GROUP 248
#define INSN "svc 0"
#define NR_REG "r1"
#define A_REG "r2"
#define B_REG "r3"
#define C_REG "r4"
#endif
static long sys3(long nr, word a, word b, word c) {
  register long n_ __asm__(NR_REG) = nr;
  register word a_ __asm__(A_REG) = a;
  register word b_ __asm__(B_REG) = b;
  register word c_ __asm__(C_REG) = c;
  __asm__ volatile(INSN : "+r"(a_) : "r"(n_), "r"(b_), "r"(c_) : "memory");
  return (long)a_;
}
#elif defined(__powerpc64__)
#define NR_CLOCK_GETTIME 246
#define NR_WRITE 4
#define NR_EXIT_GROUP 234
static long sys3(long nr, word a, word b, word c) {
  register long r0 __asm__("r0") = nr;
  register word r3 __asm__("r3") = a;
  register word r4 __asm__("r4") = b;
  register word r5 __asm__("r5") = c;
  __asm__ volatile("sc\n\tbns+ 1f\n\tneg %1, %1\n1:"
                   : "+r"(r0), "+r"(r3), "+r"(r4), "+r"(r5)
                   :
                   : "r6", "r7", "r8", "r9", "r10", "r11", "r12", "ctr", "xer", "cr0", "memory");
  return (long)r3;
}
#else
#error "the benchmark runs amd64, arm64, ppc64le and s390x only"
#endif

#ifndef FIB_N
#define FIB_N 31
#endif

/* noinline and no sibling calls (-fno-optimize-sibling-calls): a call per step, as written. */
__attribute__((noinline)) static word fib(word n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

struct timespec64 {
  long sec, nsec;
};

static word now_ns(void) {
  struct timespec64 t;
  sys3(NR_CLOCK_GETTIME, 1 /* CLOCK_MONOTONIC */, (word)&t, 0);
  return (word)t.sec * 1000000000ul + (word)t.nsec;
}

static char *put_dec(char *at, word v) {
  char digits[24];
  int n = 0;
  do digits[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
  while (n > 0) *at++ = digits[--n];
  return at;
}

static char *put(char *at, const char *s) {
  while (*s) *at++ = *s++;
  return at;
}

#if defined(__x86_64__)
__attribute__((force_align_arg_pointer))
#endif
__attribute__((noreturn, used)) void
_start(void) {
  word start = now_ns();
  word result = fib(FIB_N);
  word ns = now_ns() - start;
  char line[96];
  char *at = put(line, "cpu-work fib=");
  at = put_dec(at, result);
  at = put(at, " ns=");
  at = put_dec(at, ns);
  *at++ = '\n';
  sys3(NR_WRITE, 1, (word)line, (word)(at - line));
  for (;;) sys3(NR_EXIT_GROUP, 0, 0, 0);
}
