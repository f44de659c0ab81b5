// Generated with the bindings (src/bindings.rs) from the core's form rules: do not edit.

/** A drawn signature is one when at least MIN_INK_PIXELS pixels are ink (alpha above
 * INK_MIN_ALPHA, luma below INK_MAX_LUMA) over a box of at least MIN_INK_WIDTH x MIN_INK_HEIGHT. */
export const MIN_INK_PIXELS = 150;
export const MIN_INK_WIDTH = 40;
export const MIN_INK_HEIGHT = 12;
export const INK_MIN_ALPHA = 128;
export const INK_MAX_LUMA = 160;
/** Luma = (R, G, B) weighted by these, over 1000. */
export const LUMA_WEIGHTS_PER_MILLE = [299, 587, 114] as const;
/** The most of one item a handover may list (0 to this). */
export const HANDED_OVER_COUNT_MAX = 10000;
