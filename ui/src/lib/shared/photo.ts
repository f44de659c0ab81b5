// A photo chosen from a file (visitor, vehicle, pass holder): what the UI checks before it
// takes the bytes. The core checks again (type by content, size) and names the field; this
// only spares the guard a round trip for a file that cannot be right. Used by PhotoField
// and the pass issue form.
import type { AppError } from '../bindings';
import { uiError } from './errors';

/** Largest photo the registration forms take (the core's limit for a visit or vehicle). */
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;

/** The error for a chosen file that is not a JPEG or PNG, or larger than `maxBytes`; null
 *  when it may be taken. */
export function photoFileError(file: { type: string; size: number }, maxBytes = MAX_PHOTO_BYTES): AppError | null {
  if (!['image/jpeg', 'image/png'].includes(file.type)) return uiError('photo_invalid', 'photo');
  if (file.size > maxBytes) return uiError('photo_too_large', 'photo');
  return null;
}
