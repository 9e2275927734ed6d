/**
 * Where a browser fetches a profile or group picture. The version (a new random token per upload) is part of the URL,
 * so a new picture is a new URL and an old one may be cached for good.
 */
export const userAvatarUrl = (userId: string, version: string | null) => (version ? `/api/avatars/users/${userId}/${version}` : null);
export const groupAvatarUrl = (chatId: string, version: string | null) => (version ? `/api/avatars/groups/${chatId}/${version}` : null);
