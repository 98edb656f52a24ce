export { CollabProvider, useCollab, usePresence } from './CollabProvider';
export type { CollabConnection } from './CollabConnection';
export type { CollabFileStatus } from './collabAvailability';
export type { CollabFile, CollabFiles, CollabSession } from './collabFile';
export { PresenceDots } from './PresenceDots';
export { PresenceList } from './PresenceList';
export type { Presence, PresenceUser } from './presenceModel';
