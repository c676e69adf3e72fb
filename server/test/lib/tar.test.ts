import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tarArchive } from '../../src/lib/tar.js';

const run = promisify(execFile);

describe('tarArchive', () => {
  it('writes 512-byte ustar headers with a valid checksum, padded data and two zero blocks', () => {
    const tar = tarArchive([{ name: 'a', data: Buffer.from('hello') }]);
    expect(tar.length).toBe(512 + 512 + 1024);
    expect(tar.toString('ascii', 257, 263)).toBe('ustar\0');
    expect(tar.toString('ascii', 124, 136)).toBe('00000000005\0');
    expect(tar.toString('ascii', 100, 108)).toBe('0000644\0');
    const header = Buffer.from(tar.subarray(0, 512));
    const stored = parseInt(header.toString('ascii', 148, 154), 8);
    header.fill(0x20, 148, 156);
    expect(stored).toBe(header.reduce((sum, byte) => sum + byte, 0));
    expect(tar.subarray(517, 2048).every((b) => b === 0)).toBe(true);
  });

  it('is read back byte for byte by GNU tar, modes included', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'archdeck-tar-'));
    try {
      const binary = Buffer.alloc(1000, 7);
      const text = Buffer.from('FROM scratch\n');
      await writeFile(
        join(dir, 'context.tar'),
        tarArchive([
          { name: 'Containerfile', data: text },
          { name: 'probe', data: binary, mode: 0o755 },
          { name: 'empty', data: Buffer.alloc(0) },
        ]),
      );
      await run('tar', ['-xf', 'context.tar'], { cwd: dir });
      expect(await readFile(join(dir, 'Containerfile'))).toEqual(text);
      expect(await readFile(join(dir, 'probe'))).toEqual(binary);
      expect((await stat(join(dir, 'probe'))).mode & 0o777).toBe(0o755);
      expect((await stat(join(dir, 'empty'))).size).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each(['', '/etc/passwd', '../x', 'x'.repeat(101)])('refuses the name %j', (name) => {
    expect(() => tarArchive([{ name, data: Buffer.alloc(1) }])).toThrow(RangeError);
  });
});
