import { describe, expect, it } from 'vitest';
import { MAX_PHOTO_BYTES, photoFileError } from './photo';

describe('photo file check', () => {
  it('takes a JPEG or PNG up to the limit', () => {
    expect(photoFileError({ type: 'image/jpeg', size: 1000 })).toBeNull();
    expect(photoFileError({ type: 'image/png', size: MAX_PHOTO_BYTES })).toBeNull();
  });

  it('refuses another type, naming the photo field', () => {
    const e = photoFileError({ type: 'image/gif', size: 10 });
    expect(e?.code).toBe('photo_invalid');
    expect(e?.field).toBe('photo');
    expect(photoFileError({ type: '', size: 10 })?.code).toBe('photo_invalid');
  });

  it('refuses a file over the limit, and the limit can be raised', () => {
    expect(photoFileError({ type: 'image/png', size: MAX_PHOTO_BYTES + 1 })?.code).toBe('photo_too_large');
    expect(photoFileError({ type: 'image/png', size: MAX_PHOTO_BYTES + 1 }, 10 * 1024 * 1024)).toBeNull();
  });

  it('names a wrong type before a wrong size', () => {
    expect(photoFileError({ type: 'application/pdf', size: MAX_PHOTO_BYTES * 2 })?.code).toBe('photo_invalid');
  });
});
