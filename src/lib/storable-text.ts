// Text PostgreSQL keeps as sent: never U+0000 (its text type cannot hold it), and no lone
// surrogate (it would be stored as U+FFFD, so two different ids would become one). Checked where
// text comes in (webhooks, GraphQL arguments), so that bad input is refused as such.

const LONE_SURROGATE = /\p{Cs}/u; // with the u flag, only a surrogate outside a pair is a code point of its own

export const isStorableText = (text: string) => !text.includes('\u0000') && !LONE_SURROGATE.test(text);

/** Why a text was refused, to follow the name of what carried it. */
export const UNSTORABLE_TEXT = 'must not contain the NUL character (\\u0000) or a lone surrogate';

/**
 * Ids are keys of unique indexes, and a PostgreSQL index entry holds at most about 2.7 KB: a
 * longer id would fail the insert as an internal error. No real id comes near this.
 */
export const MAX_ID_LENGTH = 255;

export const isStorableId = (id: string) => id.length <= MAX_ID_LENGTH && isStorableText(id);
