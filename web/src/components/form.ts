import type { KeyboardEvent } from 'react';

/** A dialog's text field for words: a title, a description. */
export const textInputClass =
  'mt-1.5 block w-full rounded-lg border border-line bg-canvas px-3 py-2 text-sm outline-none placeholder:text-subtle focus:border-zinc-500 focus:ring-2 focus:ring-zinc-500/30';

/** A text field of the dialogs whose text is code: a reference, argv, a name, an id. */
export const monoInputClass = `${textInputClass} font-mono placeholder:font-sans`;

/**
 * For fields whose text is taken verbatim (a reference, argv, a name, a token): no spelling
 * marks, capitals or autofill suggestions.
 */
export const verbatimTextProps = {
  spellCheck: false,
  autoCapitalize: 'off',
  autoComplete: 'off',
} as const;

/** A dialog form's buttons, kept in view at the bottom while the form scrolls. */
export const dialogFooterClass =
  'sticky -bottom-5 -mx-6 -mb-5 flex flex-wrap items-center justify-end gap-2 border-t border-line bg-surface px-6 py-4';

/**
 * Enter submits, handled on the field rather than left to implicit submission: that clicks the
 * submit button, which refuses while it is blocked, and Enter must still look a reference up.
 * Native radios do not submit their form in every browser either.
 */
export const submitOnEnter = (submit: () => void) => (event: KeyboardEvent) => {
  if (event.key !== 'Enter') return;
  event.preventDefault();
  submit();
};
