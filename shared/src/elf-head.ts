/**
 * How much of a file the UI sends the ELF inspector: the headers it reads sit at the start.
 * A module of its own, free of TypeBox, so the command-line client can import it
 * (`@archdeck/shared/elf-head`) without building the whole contract first.
 */
export const ELF_HEAD_BYTES = 1024 * 1024;
