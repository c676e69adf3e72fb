/*
 * archdeck's smoke-test probe: the smallest program that proves a platform runs. The daemon
 * runs it FROM scratch (server/src/emulators/smoke-test.ts), so a failure points at the emulator,
 * not at the image. It reports what the CPU it runs on says about itself, so the daemon can
 * tell "ran under the right emulator" from "ran natively by mistake" or "under the wrong one",
 * and which CPU model an emulator presents (server/src/emulators/cpu-models.ts):
 *
 *   archdeck-probe ok machine=<uname -m> bits=<pointer size> endian=<little|big>
 *     [hwcap=0x<AT_HWCAP>] [hwcap2=0x<AT_HWCAP2>] [platform=<AT_PLATFORM>]
 *     [cpuid1c=0x<..> cpuid7b=0x<..> cpuid7c=0x<..> cpuidx1c=0x<..>]   (x86 only)
 *
 * all on one line. The hardware capability words are the kernel's (or qemu's) auxiliary
 * vector, read from the initial stack after envp. On x86 they hold only CPUID leaf 1's EDX, so
 * the probe also asks CPUID for the words that decide the x86-64 levels (SSE4.2, AVX2,
 * AVX-512...): leaf 1 ECX, leaf 7 EBX and ECX, leaf 0x80000001 ECX.
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

/* Appends v as 0x<hex digits>, without leading zeros: shifts only, no division. */
static void put_hex(char *out, word size, word *at, word v) {
  char digits[2 + 2 * sizeof(word) + 1];
  word n = 0;
  digits[n++] = '0';
  digits[n++] = 'x';
  int shift = 8 * (int)sizeof(word) - 4;
  while (shift > 0 && ((v >> shift) & 0xf) == 0) shift -= 4;
  for (; shift >= 0; shift -= 4) digits[n++] = "0123456789abcdef"[(v >> shift) & 0xf];
  digits[n] = '\0';
  put(out, size, at, digits);
}

static void put_field(char *out, word size, word *at, const char *name, word v) {
  put(out, size, at, " ");
  put(out, size, at, name);
  put(out, size, at, "=");
  put_hex(out, size, at, v);
}

#define AT_NULL 0
#define AT_PLATFORM 15
#define AT_HWCAP 16
#define AT_HWCAP2 26

/* What the auxiliary vector says, each field with whether it was there at all. */
struct auxv_info {
  word hwcap, hwcap2;
  const char *platform;
  int has_hwcap, has_hwcap2;
};

/*
 * The initial stack, as the kernel (or qemu) lays it out: argc, argv[0..argc-1], NULL, envp...,
 * NULL, then the auxiliary vector's (type, value) pairs up to AT_NULL. The bounds only keep a
 * broken layout from sending the walk through all of memory.
 */
static struct auxv_info read_auxv(const word *sp) {
  struct auxv_info info = {0, 0, 0, 0, 0};
  word argc = sp[0];
  if (argc > 4096) return info;
  const word *p = sp + 1 + argc;
  if (*p++ != 0) return info;
  for (word n = 0; *p != 0; p++)
    if (++n > 65536) return info;
  for (p++; p[0] != AT_NULL; p += 2) {
    if (p[0] == AT_HWCAP) info.hwcap = p[1], info.has_hwcap = 1;
    else if (p[0] == AT_HWCAP2) info.hwcap2 = p[1], info.has_hwcap2 = 1;
    else if (p[0] == AT_PLATFORM) info.platform = (const char *)p[1];
  }
  return info;
}

/* AT_PLATFORM as one word of the line: only its first 32 safe characters. */
static void put_platform(char *out, word size, word *at, const char *platform) {
  char safe[33];
  word n = 0;
  for (; platform[n] != '\0' && n < 32; n++) {
    char c = platform[n];
    int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '_' || c == '-' || c == '.';
    safe[n] = ok ? c : '?';
  }
  safe[n] = '\0';
  put(out, size, at, " platform=");
  put(out, size, at, safe);
}

#if defined(__x86_64__) || defined(__i386__)
static void cpuid(unsigned int leaf, unsigned int sub, unsigned int r[4]) {
  __asm__ volatile("cpuid" : "=a"(r[0]), "=b"(r[1]), "=c"(r[2]), "=d"(r[3]) : "a"(leaf), "c"(sub));
}

/* The CPUID words glibc's x86-64-v2/v3/v4 checks read, each 0 where its leaf is missing. */
static void put_cpuid(char *out, word size, word *at) {
  unsigned int r[4];
  cpuid(0, 0, r);
  unsigned int max = r[0];
  cpuid(0x80000000u, 0, r);
  unsigned int max_ext = r[0];
  cpuid(1, 0, r);
  put_field(out, size, at, "cpuid1c", r[2]);
  r[1] = r[2] = 0;
  if (max >= 7) cpuid(7, 0, r);
  put_field(out, size, at, "cpuid7b", r[1]);
  put_field(out, size, at, "cpuid7c", r[2]);
  r[2] = 0;
  if (max_ext >= 0x80000001u) cpuid(0x80000001u, 0, r);
  put_field(out, size, at, "cpuidx1c", r[2]);
}
#endif

/*
 * The entry point: a few instructions per architecture that hand the initial stack pointer to
 * start_c and give it a frame of its own. A C _start would not do: its prologue may store into
 * its caller's frame, which at entry is the initial stack itself (ppc64 saves the link register
 * at 16(r1), s390x its registers from 48(r15) on), overwriting the argv, envp and auxv it is to
 * read. Each stub leaves the stack aligned as the architecture's ABI wants at a call.
 */
__attribute__((noreturn, used)) void start_c(const word *sp);

#if defined(__x86_64__)
__asm__(".text\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "  xor %ebp, %ebp\n"
        "  mov %rsp, %rdi\n"
        "  and $-16, %rsp\n"
        "  call start_c\n");
#elif defined(__i386__)
__asm__(".text\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "  xor %ebp, %ebp\n"
        "  mov %esp, %eax\n"
        "  and $-16, %esp\n"
        "  sub $12, %esp\n"
        "  push %eax\n"
        "  call start_c\n");
#elif defined(__aarch64__)
__asm__(".text\n"
        ".globl _start\n"
        ".type _start, %function\n"
        "_start:\n"
        "  mov x0, sp\n"
        "  bl start_c\n");
#elif defined(__arm__)
/* Thumb, as the rest of the file (Debian's armhf compiler defaults to it). */
__asm__(".text\n"
        ".syntax unified\n"
        ".thumb\n"
        ".globl _start\n"
        ".thumb_func\n"
        ".type _start, %function\n"
        "_start:\n"
        "  mov r0, sp\n"
        "  bl start_c\n");
#elif defined(__powerpc64__) && _CALL_ELF == 2
/* ELFv2: the kernel passes the entry address in r12, from which the TOC pointer (r2) follows. */
__asm__(".text\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "  addis 2, 12, .TOC.-_start@ha\n"
        "  addi 2, 2, .TOC.-_start@l\n"
        "  mr 3, 1\n"
        "  clrrdi 1, 1, 4\n"
        "  li 0, 0\n"
        "  stdu 0, -32(1)\n"
        "  bl start_c\n"
        "  nop\n");
#elif defined(__powerpc64__)
/* ELFv1: e_entry is a function descriptor (code address, TOC pointer, environment) in .opd,
 * from which the kernel loads the code address and r2. */
__asm__(".section \".opd\", \"aw\"\n"
        ".align 3\n"
        ".globl _start\n"
        "_start:\n"
        "  .quad .L._start, .TOC.@tocbase, 0\n"
        ".previous\n"
        ".type _start, @function\n"
        ".L._start:\n"
        "  mr 3, 1\n"
        "  clrrdi 1, 1, 4\n"
        "  li 0, 0\n"
        "  stdu 0, -112(1)\n"
        "  bl start_c\n"
        "  nop\n");
#elif defined(__s390x__)
/* A 160-byte frame with a zero back chain: start_c saves its registers in it. */
__asm__(".text\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "  lgr %r2, %r15\n"
        "  aghi %r15, -160\n"
        "  xc 0(8, %r15), 0(%r15)\n"
        "  brasl %r14, start_c\n");
#elif defined(__riscv)
__asm__(".text\n"
        ".globl _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "  mv a0, sp\n"
        "  andi sp, sp, -16\n"
        "  call start_c\n");
#elif defined(__mips__)
/* o32 wants 16 bytes of argument save area at a call, n64 none; both a 16-byte aligned stack,
 * which the kernel gives. Without abicalls, jal reaches start_c with no $gp set up. */
__asm__(".text\n"
        ".globl _start\n"
        ".type _start, @function\n"
        ".set push\n"
        ".set noreorder\n"
        "_start:\n"
        "  move $4, $sp\n"
#if _MIPS_SIM == _ABIO32
        "  addiu $sp, $sp, -16\n"
#endif
        "  jal start_c\n"
        "  nop\n"
        ".set pop\n");
#endif

void start_c(const word *sp) {
  struct utsname u;
  if (sys3(NR_UNAME, (word)&u, 0, 0) != 0) fail("archdeck-probe: uname failed\n", 2);
  u.machine[sizeof u.machine - 1] = '\0';

  /* The byte order as the emulated CPU stores it: volatile, so the compiler cannot fold it
   * into what it assumed for the target. */
  volatile unsigned int one = 1;
  const char *endian = *(volatile unsigned char *)&one == 1 ? "little" : "big";
  struct auxv_info aux = read_auxv(sp);

  char line[320];
  word at = 0;
  put(line, sizeof line, &at, "archdeck-probe ok machine=");
  put(line, sizeof line, &at, u.machine);
  put(line, sizeof line, &at, " bits=" BITS " endian=");
  put(line, sizeof line, &at, endian);
  if (aux.has_hwcap) put_field(line, sizeof line, &at, "hwcap", aux.hwcap);
  if (aux.has_hwcap2) put_field(line, sizeof line, &at, "hwcap2", aux.hwcap2);
  if (aux.platform) put_platform(line, sizeof line, &at, aux.platform);
#if defined(__x86_64__) || defined(__i386__)
  put_cpuid(line, sizeof line, &at);
#endif
  put(line, sizeof line, &at, "\n");
  if (write_all(1, line, at) != 0) exit_group(3);
  exit_group(0);
}
