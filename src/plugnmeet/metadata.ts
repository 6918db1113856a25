// participant.metadata is a JSON string PlugNMeet fills in (is_admin, is_presenter, lock settings...).

/** `is_admin` in the participant's metadata (a JSON string) marks a moderator. */
export function isAdminFromMetadata(metadata: string | undefined): boolean {
  if (!metadata) return false;
  try {
    const parsed: unknown = JSON.parse(metadata);
    return typeof parsed === 'object' && parsed !== null && (parsed as { is_admin?: unknown }).is_admin === true;
  } catch {
    return false;
  }
}
