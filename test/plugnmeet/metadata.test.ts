// participant.metadata: PlugNMeet's JSON string, of which Rollcall reads is_admin.
import { describe, expect, it } from 'vitest';
import { isAdminFromMetadata } from '../../src/plugnmeet/metadata.ts';

describe('isAdminFromMetadata', () => {
  it('is true when the metadata says is_admin: true', () => {
    expect(isAdminFromMetadata('{"is_admin":true}')).toBe(true);
    expect(isAdminFromMetadata('{"is_admin":true,"is_presenter":true,"lock_settings":{"lock_mic":false}}')).toBe(true);
    expect(isAdminFromMetadata('{ "is_admin": true }')).toBe(true);
  });

  it('is false when the metadata says is_admin: false or does not say', () => {
    expect(isAdminFromMetadata('{"is_admin":false}')).toBe(false);
    expect(isAdminFromMetadata('{"is_admin":false,"is_hidden":false}')).toBe(false);
    expect(isAdminFromMetadata('{}')).toBe(false);
    expect(isAdminFromMetadata('{"is_presenter":true,"is_hidden":true}')).toBe(false);
    expect(isAdminFromMetadata('{"lock_settings":{"is_admin":true}}')).toBe(false);
  });

  it('is false when there is no metadata', () => {
    expect(isAdminFromMetadata(undefined)).toBe(false);
    expect(isAdminFromMetadata('')).toBe(false);
  });

  it.each([
    'not json',
    '{',
    '{"is_admin":true',
    "{'is_admin':true}",
    'is_admin',
    'true',
    'null',
    '[]',
    '[true]',
    '"{\\"is_admin\\":true}"',
    '42',
  ])('is false, without throwing, for metadata that is not a JSON object: %s', (metadata) => {
    expect(isAdminFromMetadata(metadata)).toBe(false);
  });
});
