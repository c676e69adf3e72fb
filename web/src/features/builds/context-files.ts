import { contextPath, packTar, type TarEntry } from '@/lib/tar-writer';

/** What the build form holds: the files of a context, each at its path inside it. */
export interface BuildContext {
  /** Where it came from, for the form to say: a folder's name, or "3 files". */
  label: string;
  entries: TarEntry[];
  size: number;
}

/** The daemon's limit (CONTEXT_LIMIT in server/src/builds/builds.ts). */
export const CONTEXT_LIMIT = 512 * 1024 * 1024;

/**
 * The files of an `<input webkitdirectory>`: each file's path is relative to the folder the
 * user picked (`webkitRelativePath` starts with that folder's own name, which is dropped), so
 * the folder is the context's top.
 */
export function folderContext(files: FileList): BuildContext {
  const list = [...files];
  const top = list[0]?.webkitRelativePath.split('/')[0] ?? 'folder';
  const entries = list.map((file) => ({
    path: contextPath(file.webkitRelativePath.split('/').slice(1).join('/') || file.name),
    file,
  }));
  return { label: `${top}/`, entries, size: list.reduce((n, f) => n + f.size, 0) };
}

/** Files picked one by one: a Containerfile and what it copies, all at the context's top. */
export function filesContext(files: FileList): BuildContext {
  const list = [...files];
  return {
    label: list.length === 1 ? list[0]!.name : `${list.length} files`,
    entries: list.map((file) => ({ path: contextPath(file.name), file })),
    size: list.reduce((n, f) => n + f.size, 0),
  };
}

/** The Containerfile the daemon will use, as it looks for it: `file`, else Containerfile, else Dockerfile. */
export function containerfileOf(context: BuildContext, file: string): string | null {
  const names = new Set(context.entries.map((e) => e.path));
  const wanted = file.trim() ? [file.trim().replace(/^\.\//, '')] : ['Containerfile', 'Dockerfile'];
  return wanted.find((name) => names.has(name)) ?? null;
}

export const packContext = (context: BuildContext): Blob => packTar(context.entries);
