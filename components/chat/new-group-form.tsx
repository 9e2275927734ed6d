'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition, type FormEvent } from 'react';
import { createGroup } from '@/app/(chat)/group-actions';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';
import { errorMessages } from '@/components/ui/error-messages';
import { Field } from '@/components/ui/field';
import { fail } from '@/lib/errors';
import type { UserDTO } from '@/lib/realtime/events';
import { GROUP_MAX_MEMBERS, GROUP_TITLE_MAX_LENGTH } from '@/lib/realtime/limits';
import { UserPicker } from './user-picker';

/** Fewest other people a group starts with (the creator makes three). */
const MIN_OTHERS = 2;

/** The dialog behind "New group" (new-group-dialog.tsx loads it on first open): a name and at least two people. */
export function NewGroupDialog({ onClose }: { onClose: () => void }) {
  const router = useRouter();
  const [title, setTitle] = useState('');
  const [members, setMembers] = useState<UserDTO[]>([]);
  const [errors, setErrors] = useState<{ title?: string; members?: string; form?: string }>({});
  const [pending, start] = useTransition();

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const next: typeof errors = {};
    if (!title.trim()) next.title = 'Give the group a name.';
    if (members.length < MIN_OTHERS) next.members = `Add at least ${MIN_OTHERS} people.`;
    if (members.length > GROUP_MAX_MEMBERS - 1) next.members = `A group holds at most ${GROUP_MAX_MEMBERS} people.`;
    setErrors(next);
    if (next.title || next.members) return;
    start(async () => {
      // Unreachable server: shown in the form, which stays filled in (thrown, it would hit the error boundary).
      const result = await createGroup({ title: title.trim(), memberIds: members.map((member) => member.id) }).catch(() => fail('unavailable'));
      if (!result.ok) return setErrors({ form: result.error === 'invalid_input' ? 'Check the name and the people, then try again.' : errorMessages[result.error] });
      onClose();
      router.push(`/c/${result.data.chatId}`);
    });
  };

  return (
    <Dialog title="New group" onClose={onClose}>
      <form onSubmit={submit} noValidate className="flex flex-col gap-4">
        <Field
          name="group-title"
          label="Group name"
          value={title}
          maxLength={GROUP_TITLE_MAX_LENGTH}
          autoComplete="off"
          data-autofocus
          required
          disabled={pending}
          error={errors.title}
          onChange={(event) => {
            setTitle(event.target.value);
            if (event.target.value.trim()) setErrors((current) => ({ ...current, title: undefined }));
          }}
        />
        <fieldset className="flex flex-col gap-1" aria-describedby="new-group-members-hint">
          <legend className="sr-only">Members</legend>
          <UserPicker
            selected={members}
            disabled={pending}
            onChange={(next) => {
              setMembers(next);
              if (next.length >= MIN_OTHERS) setErrors((current) => ({ ...current, members: undefined }));
            }}
          />
          {errors.members ? (
            <p id="new-group-members-hint" role="alert" className="text-sm text-danger">
              {errors.members}
            </p>
          ) : (
            <p id="new-group-members-hint" className="text-xs text-muted">
              {members.length === 0 ? `Add at least ${MIN_OTHERS} people.` : `${members.length} selected.`}
            </p>
          )}
        </fieldset>
        {errors.form ? (
          <p role="alert" className="text-sm text-danger">
            {errors.form}
          </p>
        ) : null}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={onClose}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            {pending ? 'Creating…' : 'Create group'}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
