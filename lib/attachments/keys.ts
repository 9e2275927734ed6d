/** Storage keys of an attachment: derived from its id, so a row and its objects can never disagree. */
export const attachmentKeys = (id: string) => ({ original: `attachments/${id}/original`, thumb: `attachments/${id}/thumb` });

/** Both keys of each attachment: what deleting them removes from storage. */
export const allAttachmentKeys = (ids: string[]) => ids.flatMap((id) => Object.values(attachmentKeys(id)));
