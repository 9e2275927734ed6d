import { randomBytes } from 'node:crypto';

/** A new picture's version: 16 random bytes, base64url (22 characters). It names the object and the URL. */
export const newAvatarVersion = () => randomBytes(16).toString('base64url');

/** What a version in a URL must look like before anything is looked up. */
export const AVATAR_VERSION_PATTERN = /^[A-Za-z0-9_-]{22}$/;

/** One object per version: a new picture never overwrites the one other people's caches still hold. */
export const userAvatarKey = (userId: string, version: string) => `avatars/users/${userId}/${version}.webp`;
export const groupAvatarKey = (chatId: string, version: string) => `avatars/groups/${chatId}/${version}.webp`;
