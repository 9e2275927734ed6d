'use client';

import { useState, useTransition, type FormEvent } from 'react';
import { addGroupMembers, leaveGroup, makeGroupAdmin, removeGroupMember, renameGroup } from '@/app/(chat)/group-actions';
import { AvatarUpload } from '@/components/settings/avatar-upload';
import { Button } from '@/components/ui/button';
import { ConfirmDialog, Dialog } from '@/components/ui/dialog';
import { errorMessages } from '@/components/ui/error-messages';
import { Field } from '@/components/ui/field';
import { fail, type Result } from '@/lib/errors';
import type { ChatSummaryDTO, MemberDTO, UserDTO } from '@/lib/realtime/events';
import { GROUP_MAX_MEMBERS, GROUP_TITLE_MAX_LENGTH } from '@/lib/realtime/limits';
import { ChatAvatar } from './avatar';
import { GroupMemberList } from './group-member-list';
import { UserPicker } from './user-picker';
import { refreshChatMembers } from './use-chat-members';

type Props = { chat: ChatSummaryDTO; me: UserDTO; members: MemberDTO[]; onClose: () => void; returnFocusTo?: () => HTMLElement | null | undefined };
type Confirm = { kind: 'remove'; member: MemberDTO } | { kind: 'leave' } | null;

/**
 * Group info: name, members with their roles, and what I may do. Admins rename, add, remove and make admins;
 * anyone leaves. Every change comes back as 'chat:updated', which refreshes the chat and the member list.
 */
export function GroupInfo({ chat, me, members, onClose, returnFocusTo }: Props) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [renaming, setRenaming] = useState(false);
  const [adding, setAdding] = useState(false);
  const isAdmin = chat.active && chat.myRole === 'admin';
  const current = members.filter((member) => member.active);

  /** Runs an action; true when it worked. The member list is asked for again at once (the event may lag). */
  const act = (work: () => Promise<Result<null>>, then?: () => void) =>
    start(async () => {
      setError(null);
      // Unreachable server: shown here and the dialog stays open to try again (thrown, it would hit the error boundary).
      const result = await work().catch(() => fail('unavailable'));
      if (!result.ok) return setError(errorMessages[result.error]);
      void refreshChatMembers(chat.id);
      then?.();
    });

  return (
    <Dialog title="Group info" onClose={onClose} returnFocusTo={returnFocusTo}>
      <div className="flex flex-col gap-4">
        <div className="flex flex-col items-center gap-2 text-center">
          {isAdmin ? (
            <AvatarUpload
              endpoint={`/api/avatars/groups/${chat.id}`}
              currentUrl={chat.avatarUrl}
              name={chat.title || '?'}
              id={chat.id}
              uploadLabel="Change group picture"
              removeLabel="Remove group picture"
              align="center"
            />
          ) : (
            <ChatAvatar chat={chat} size="lg" />
          )}
          {renaming ? (
            <RenameForm
              title={chat.title}
              pending={pending}
              onCancel={() => setRenaming(false)}
              onSave={(title) => act(() => renameGroup({ chatId: chat.id, title }), () => setRenaming(false))}
            />
          ) : (
            <>
              <p className="text-lg font-semibold break-words" data-testid="group-title">
                {chat.title}
              </p>
              {isAdmin ? (
                <button type="button" onClick={() => setRenaming(true)} className="rounded-lg px-2 py-1 text-sm text-accent hover:bg-surface-alt">
                  Rename group
                </button>
              ) : null}
            </>
          )}
          <p className="text-sm text-muted">{current.length === 1 ? '1 member' : `${current.length || chat.memberCount} members`}</p>
          {!chat.active ? (
            <p role="status" className="rounded-lg bg-surface-alt px-3 py-2 text-sm">
              You are no longer a member of this group.
            </p>
          ) : null}
        </div>

        {error ? (
          <p role="alert" className="text-sm text-danger">
            {error}
          </p>
        ) : null}

        {isAdmin ? (
          adding ? (
            <AddMembers
              memberIds={current.map((member) => member.id)}
              pending={pending}
              onCancel={() => setAdding(false)}
              onAdd={(users) => act(() => addGroupMembers({ chatId: chat.id, userIds: users.map((user) => user.id) }), () => setAdding(false))}
            />
          ) : (
            <Button variant="ghost" className="self-start" onClick={() => setAdding(true)} disabled={current.length >= GROUP_MAX_MEMBERS}>
              + Add members
            </Button>
          )
        ) : null}

        <GroupMemberList
          members={current}
          meId={me.id}
          canManage={isAdmin}
          pending={pending}
          onMakeAdmin={(member) => act(() => makeGroupAdmin({ chatId: chat.id, userId: member.id }))}
          onRemove={(member) => setConfirm({ kind: 'remove', member })}
        />

        {chat.active ? (
          <button
            type="button"
            onClick={() => setConfirm({ kind: 'leave' })}
            className="self-start rounded-lg px-4 py-2 text-sm font-semibold text-danger hover:bg-surface-alt"
          >
            Leave group
          </button>
        ) : null}
      </div>

      {confirm?.kind === 'remove' ? (
        <ConfirmDialog
          title={`Remove ${confirm.member.displayName}?`}
          body={`${confirm.member.displayName} will no longer receive messages from “${chat.title}”.`}
          confirmLabel="Remove"
          pending={pending}
          onCancel={() => setConfirm(null)}
          onConfirm={() => act(() => removeGroupMember({ chatId: chat.id, userId: confirm.member.id }), () => setConfirm(null))}
        />
      ) : null}
      {confirm?.kind === 'leave' ? (
        <ConfirmDialog
          title={`Leave “${chat.title}”?`}
          body="You will stop receiving its messages. What you have seen stays readable."
          confirmLabel="Leave"
          pending={pending}
          onCancel={() => setConfirm(null)}
          onConfirm={() => act(() => leaveGroup(chat.id), () => setConfirm(null))}
        />
      ) : null}
    </Dialog>
  );
}

function RenameForm({ title, pending, onSave, onCancel }: { title: string; pending: boolean; onSave: (title: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState(title);
  const [error, setError] = useState<string | undefined>();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!value.trim()) return setError('Give the group a name.');
    onSave(value.trim());
  };
  return (
    <form onSubmit={submit} noValidate className="flex w-full flex-col gap-2 text-left">
      <Field name="group-rename" label="Group name" value={value} maxLength={GROUP_TITLE_MAX_LENGTH} autoFocus autoComplete="off" error={error} onChange={(event) => setValue(event.target.value)} />
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" disabled={pending}>
          Save name
        </Button>
      </div>
    </form>
  );
}

function AddMembers({ memberIds, pending, onAdd, onCancel }: { memberIds: string[]; pending: boolean; onAdd: (users: UserDTO[]) => void; onCancel: () => void }) {
  const [selected, setSelected] = useState<UserDTO[]>([]);
  const room = GROUP_MAX_MEMBERS - memberIds.length;
  return (
    <section aria-label="Add members" className="flex flex-col gap-2 rounded-xl border border-line p-3">
      <UserPicker selected={selected} onChange={setSelected} excludeIds={memberIds} disabled={pending} />
      {selected.length > room ? (
        <p role="alert" className="text-sm text-danger">
          A group holds at most {GROUP_MAX_MEMBERS} people.
        </p>
      ) : null}
      <div className="flex justify-end gap-2">
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
        <Button disabled={pending || selected.length === 0 || selected.length > room} onClick={() => onAdd(selected)}>
          {selected.length > 1 ? `Add ${selected.length} people` : 'Add'}
        </Button>
      </div>
    </section>
  );
}
