import {
  MemberListSchema,
  MemberSchema,
  ProjectSchema,
  projectPermissions,
  type Member,
  type Project,
  type ProjectPermission,
  type User,
} from '@vaporform/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { api, apiPath } from '../../platform/api';
import { ApiError } from '../../platform/ApiError';
import { useProjectEvents } from '../../platform/projectEvents';
import { can } from '../../platform/projects';
import { queryKeys } from '../../platform/queryKeys';
import { Button } from '../../ui/Button';
import { Dialog } from '../../ui/Dialog';
import { ErrorNotice } from '../../ui/ErrorNotice';
import { ErrorRetry } from '../../ui/ErrorRetry';
import { FormField } from '../../ui/FormField';
import { InputField } from '../../ui/InputField';
import { Loading } from '../../ui/Loading';
import { useNotify } from '../../ui/Toasts';

export const permissionHelp: Record<ProjectPermission, string> = {
  read: 'Read: see files and the preview',
  write: 'Write: also edit files',
  execute: 'Execute: also run commands and terminals',
  admin: 'Admin: also manage members and settings',
};

/** The owner first, then the caller, then everyone else by name. */
export function orderMembers(members: readonly Member[], myId: string): Member[] {
  const rank = (member: Member) => (member.isOwner ? 0 : member.userId === myId ? 1 : 2);
  return [...members].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

function PermissionSelect({
  value,
  onChange,
  label,
  disabled,
  name,
}: {
  value: ProjectPermission;
  onChange: (permission: ProjectPermission) => void;
  label?: string;
  disabled?: boolean;
  name?: string;
}) {
  return (
    <select
      aria-label={label}
      name={name}
      value={value}
      disabled={disabled}
      onChange={(event) => onChange(event.target.value as ProjectPermission)}
    >
      {projectPermissions.map((permission) => (
        <option key={permission} value={permission} title={permissionHelp[permission]}>
          {permission}
        </option>
      ))}
    </select>
  );
}

type Confirm = { kind: 'remove'; member: Member } | { kind: 'leave' } | { kind: 'transfer'; member: Member };

export function MembersSection({ project, me }: { project: Project; me: User }) {
  const client = useQueryClient();
  const notify = useNotify();
  const [, navigate] = useLocation();
  const membersKey = queryKeys.members(project.id);
  const members = useQuery({
    queryKey: membersKey,
    queryFn: () => api(apiPath('projects', project.id, 'members'), { schema: MemberListSchema }),
  });
  useProjectEvents(project.id, {
    event: (event) => {
      if (event.name === 'member.changed' || event.name === 'project.updated') {
        void client.invalidateQueries({ queryKey: membersKey, exact: true });
      }
    },
  });
  const isAdmin = can(project, 'admin');
  const isOwner = project.ownerId === me.id;
  const mayTransfer = isOwner || me.role === 'admin';
  const [email, setEmail] = useState('');
  const [permission, setPermission] = useState<ProjectPermission>('write');
  const [emailProblem, setEmailProblem] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const [transferTo, setTransferTo] = useState('');
  const refresh = () => client.invalidateQueries({ queryKey: membersKey, exact: true });

  const add = useMutation({
    mutationFn: (body: { email: string; permission: ProjectPermission }) =>
      api(apiPath('projects', project.id, 'members'), { method: 'POST', body, schema: MemberSchema }),
    onSuccess: (member) => {
      setEmail('');
      notify.info(`${member.name} can now ${member.permission === 'read' ? 'see' : 'work on'} this project.`);
      void refresh();
    },
  });
  const change = useMutation({
    mutationFn: ({ member, to }: { member: Member; to: ProjectPermission }) =>
      api(apiPath('projects', project.id, 'members', member.userId), {
        method: 'PUT',
        body: { permission: to },
        schema: MemberSchema,
      }),
    onMutate: ({ member, to }) => {
      client.setQueryData<Member[]>(membersKey, (list) =>
        list?.map((m) => (m.userId === member.userId ? { ...m, permission: to } : m)),
      );
    },
    onError: (error) => notify.error(error),
    onSettled: () => refresh(),
  });
  const remove = useMutation({
    mutationFn: (member: Member) =>
      api(apiPath('projects', project.id, 'members', member.userId), { method: 'DELETE' }),
    onSuccess: (_, member) => {
      if (member.userId === me.id) {
        client.removeQueries({ queryKey: queryKeys.project(project.id) });
        void client.invalidateQueries({ queryKey: queryKeys.projects, exact: true });
        notify.info(`You left ${project.name}.`);
        navigate('/');
        return;
      }
      notify.info(`${member.name} no longer has access.`);
      setConfirm(null);
      void refresh();
    },
  });
  const transfer = useMutation({
    mutationFn: (member: Member) =>
      api(apiPath('projects', project.id, 'transfer'), {
        method: 'POST',
        body: { userId: member.userId },
        schema: ProjectSchema,
      }),
    onSuccess: (saved, member) => {
      client.setQueryData(queryKeys.project(project.id), saved);
      void client.invalidateQueries({ queryKey: queryKeys.projects, exact: true });
      notify.info(`${member.name} now owns ${project.name}.`);
      setConfirm(null);
      setTransferTo('');
      void refresh();
    },
  });

  const submitAdd = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (email.trim() === '') {
      setEmailProblem('Enter the email address of the person to add');
      return;
    }
    setEmailProblem(null);
    add.mutate({ email: email.trim(), permission });
  };
  const addFieldError =
    emailProblem ??
    (add.error instanceof ApiError && (add.error.code === 'not_found' || add.error.issues.length > 0)
      ? add.error.message
      : undefined);

  const list = orderMembers(members.data ?? [], me.id);
  const myMembership = list.find((member) => member.userId === me.id);
  const transferCandidates = list.filter((member) => !member.isOwner);
  const closeConfirm = () => {
    setConfirm(null);
    remove.reset();
    transfer.reset();
  };

  return (
    <section className="page-section settings-section" aria-labelledby="settings-members">
      <h2 id="settings-members">Members</h2>
      <p className="page-note">
        People who can open this project. {permissionHelp.read}; {permissionHelp.write.toLowerCase()};{' '}
        {permissionHelp.execute.toLowerCase()}; {permissionHelp.admin.toLowerCase()}.
      </p>
      {members.isPending && <Loading>Loading members…</Loading>}
      <ErrorRetry error={members.error} onRetry={() => void members.refetch()} />
      {members.data && (
        <ul className="settings-members" aria-label="Members">
          {list.map((member) => {
            const self = member.userId === me.id;
            return (
              <li key={member.userId} className="settings-member">
                <span className="settings-member-avatar" aria-hidden="true">
                  {(member.name.trim()[0] ?? '?').toUpperCase()}
                </span>
                <span className="settings-member-who">
                  <span className="settings-member-name">
                    {member.name}
                    {self && <span className="settings-badge">You</span>}
                    {member.isOwner && <span className="settings-badge settings-badge-owner">Owner</span>}
                  </span>
                  <span className="settings-member-email">{member.email}</span>
                </span>
                {isAdmin && !member.isOwner ? (
                  <PermissionSelect
                    label={`Permission for ${member.name}`}
                    value={member.permission}
                    disabled={change.isPending && change.variables?.member.userId === member.userId}
                    onChange={(to) => change.mutate({ member, to })}
                  />
                ) : (
                  <span className="settings-permission" title={permissionHelp[member.permission]}>
                    {member.permission}
                  </span>
                )}
                {isAdmin && !member.isOwner && !self ? (
                  <Button
                    variant="secondary"
                    aria-label={`Remove ${member.name}`}
                    onClick={() => setConfirm({ kind: 'remove', member })}
                  >
                    Remove
                  </Button>
                ) : (
                  <span className="settings-member-action-placeholder" />
                )}
              </li>
            );
          })}
        </ul>
      )}
      {isAdmin && (
        <form className="settings-add" onSubmit={submitAdd} noValidate>
          <h3>Add a member</h3>
          <div className="settings-add-row">
            <InputField
              label="Email"
              error={addFieldError}
              name="email"
              type="email"
              autoComplete="off"
              placeholder="teammate@example.com"
              value={email}
              onValue={setEmail}
            />
            <FormField label="Permission">
              {(control) => (
                <select
                  id={control.id}
                  name="permission"
                  value={permission}
                  onChange={(event) => setPermission(event.target.value as ProjectPermission)}
                >
                  {projectPermissions.map((value) => (
                    <option key={value} value={value}>
                      {value}
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <Button type="submit" busy={add.isPending} className="settings-add-submit">
              Add member
            </Button>
          </div>
          <p className="settings-help">The person needs an account on this server first.</p>
          {add.error && !addFieldError && <ErrorNotice error={add.error} />}
        </form>
      )}
      {mayTransfer && transferCandidates.length > 0 && (
        <div className="settings-transfer">
          <h3>Transfer ownership</h3>
          <p className="settings-help">
            The new owner becomes an admin of the project and the only one who can delete it or transfer it
            again.
          </p>
          <div className="settings-add-row">
            <FormField label="New owner">
              {(control) => (
                <select
                  id={control.id}
                  value={transferTo}
                  onChange={(event) => setTransferTo(event.target.value)}
                >
                  <option value="">Choose a member…</option>
                  {transferCandidates.map((member) => (
                    <option key={member.userId} value={member.userId}>
                      {member.name} ({member.email})
                    </option>
                  ))}
                </select>
              )}
            </FormField>
            <Button
              variant="secondary"
              className="settings-add-submit"
              disabled={!transferTo}
              onClick={() => {
                const member = transferCandidates.find((m) => m.userId === transferTo);
                if (member) setConfirm({ kind: 'transfer', member });
              }}
            >
              Transfer ownership…
            </Button>
          </div>
        </div>
      )}
      {myMembership && !myMembership.isOwner && (
        <div className="settings-leave">
          <div>
            <h3>Leave project</h3>
            <p className="settings-help">You lose access until someone adds you again.</p>
          </div>
          <Button variant="secondary" onClick={() => setConfirm({ kind: 'leave' })}>
            Leave project…
          </Button>
        </div>
      )}
      {isOwner && (
        <p className="settings-help">
          You own this project: transfer it to someone else before you can leave it.
        </p>
      )}

      <Dialog
        open={confirm !== null}
        title={
          confirm?.kind === 'remove'
            ? `Remove ${confirm.member.name}?`
            : confirm?.kind === 'transfer'
              ? `Transfer ${project.name} to ${confirm.member.name}?`
              : `Leave ${project.name}?`
        }
        onClose={closeConfirm}
      >
        {confirm?.kind === 'remove' && (
          <p>{confirm.member.name} loses access to the project at once, including open terminals.</p>
        )}
        {confirm?.kind === 'leave' && <p>You lose access to the project until someone adds you again.</p>}
        {confirm?.kind === 'transfer' && (
          <p>
            {confirm.member.name} becomes the owner. {isOwner ? 'You stay an admin of the project. ' : ''}Only
            the new owner can delete the project or transfer it again.
          </p>
        )}
        <ErrorNotice error={remove.error ?? transfer.error} />
        <div className="dialog-actions">
          <Button variant="secondary" onClick={closeConfirm}>
            Cancel
          </Button>
          {confirm?.kind === 'remove' && (
            <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate(confirm.member)}>
              Remove member
            </Button>
          )}
          {confirm?.kind === 'leave' && myMembership && (
            <Button variant="danger" busy={remove.isPending} onClick={() => remove.mutate(myMembership)}>
              Leave now
            </Button>
          )}
          {confirm?.kind === 'transfer' && (
            <Button
              variant="danger"
              busy={transfer.isPending}
              onClick={() => transfer.mutate(confirm.member)}
            >
              Confirm transfer
            </Button>
          )}
        </div>
      </Dialog>
    </section>
  );
}
