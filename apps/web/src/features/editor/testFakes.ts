import { Awareness } from 'y-protocols/awareness';
import * as Y from 'yjs';
import { collabTextField } from '@vaporform/contracts';
import type { CollabFile, CollabFileStatus, CollabSession } from '../collab';
import { ApiError } from '../../platform/ApiError';
import type { FileAccess, ReadResult, WriteOptions } from './fileAccess';
import { applyEdits, minimalEdits } from './minimalEdits';
import type { ModelHost, TextModelHandle } from './textModels';

// Fakes for the editors' tests: a model host, a disk and shared documents that run without a browser.

/** A model like Monaco's where equal content has equal versions (as undo back to a saved state does). */
export class FakeModel implements TextModelHandle {
  static versions = new Map<string, number>();
  disposed = false;
  edits = 0;
  private readonly listeners = new Set<() => void>();
  constructor(
    readonly uri: string,
    public text: string,
  ) {}
  getText() {
    return this.text;
  }
  version() {
    let version = FakeModel.versions.get(this.text);
    if (version === undefined) FakeModel.versions.set(this.text, (version = FakeModel.versions.size));
    return version;
  }
  replaceText(text: string) {
    const edits = minimalEdits(this.text, text);
    this.edits += edits.length;
    this.set(applyEdits(this.text, edits));
  }
  /** The person types. */
  set(text: string) {
    this.text = text;
    for (const listener of this.listeners) listener();
  }
  onDidChange(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  dispose() {
    this.disposed = true;
  }
}

export class FakeHost implements ModelHost {
  readonly models: FakeModel[] = [];
  private snapshots = 0;
  createFileModel(path: string, text: string) {
    const model = new FakeModel(`file:///${path}`, text);
    this.models.push(model);
    return model;
  }
  createSnapshotModel(path: string, text: string) {
    const model = new FakeModel(`snapshot:/${++this.snapshots}/${path}`, text);
    this.models.push(model);
    return model;
  }
  /** Like y-monaco: the model starts with the document's text, and edits flow both ways until disposed. */
  createSharedModel(path: string, file: CollabFile) {
    const model = new FakeModel(`file:///${path}`, file.text.toJSON());
    this.models.push(model);
    const origin = {};
    let applyingRemote = false;
    let previous = model.text;
    const stopLocal = model.onDidChange(() => {
      const before = previous;
      previous = model.text;
      if (applyingRemote) return;
      file.text.doc!.transact(() => {
        for (const edit of minimalEdits(before, model.text).sort((a, b) => b.start - a.start)) {
          file.text.delete(edit.start, edit.end - edit.start);
          file.text.insert(edit.start, edit.text);
        }
      }, origin);
    });
    const observer = (_event: Y.YTextEvent, transaction: Y.Transaction) => {
      if (transaction.origin === origin) return;
      applyingRemote = true;
      try {
        model.set(file.text.toJSON());
      } finally {
        applyingRemote = false;
      }
    };
    file.text.observe(observer);
    const dispose = model.dispose.bind(model);
    model.dispose = () => {
      stopLocal();
      file.text.unobserve(observer);
      dispose();
    };
    return model;
  }
  live(path: string) {
    return [...this.models].reverse().find((model) => model.uri === `file:///${path}` && !model.disposed)!;
  }
}

export class FakeDisk implements FileAccess {
  readonly files = new Map<string, { text: string; etag: string }>();
  readonly checkpoints = new Map<string, Map<string, string>>();
  readonly writes: { path: string; text: string; options: WriteOptions }[] = [];
  readonly binary = new Set<string>();
  private counter = 0;
  put(path: string, text: string) {
    this.files.set(path, { text, etag: `"e${++this.counter}"` });
  }
  async read(path: string, options: { etag?: string | null } = {}): Promise<ReadResult> {
    await Promise.resolve();
    if (this.binary.has(path)) return { kind: 'binary', size: 10 };
    const file = this.files.get(path);
    if (!file) return { kind: 'missing' };
    if (options.etag && options.etag === file.etag) return { kind: 'notModified' };
    return { kind: 'text', text: file.text, etag: file.etag, bom: false };
  }
  async write(path: string, text: string, options: WriteOptions = {}) {
    await Promise.resolve();
    const file = this.files.get(path);
    if (options.ifMatch && options.ifMatch !== file?.etag) throw new ApiError('conflict', 'changed', 409);
    if (options.ifNoneMatch === '*' && file) throw new ApiError('conflict', 'exists', 409);
    this.writes.push({ path, text, options });
    this.put(path, text);
    return { etag: this.files.get(path)!.etag };
  }
  async readAtCheckpoint(checkpointId: string, path: string): Promise<ReadResult> {
    await Promise.resolve();
    const text = this.checkpoints.get(checkpointId)?.get(path);
    return text === undefined ? { kind: 'missing' } : { kind: 'text', text, etag: null, bom: false };
  }
}

/** A shared document with a real Y.Doc: the test plays the server (`status`, `readOnly`, remote edits). */
export class FakeCollabFile implements CollabFile {
  readonly doc = new Y.Doc();
  readonly text = this.doc.getText(collabTextField);
  readonly awareness = new Awareness(this.doc);
  disposed = false;
  private currentStatus: CollabFileStatus = 'synced';
  private currentReadOnly = false;
  private currentClosed = false;
  private readonly listeners = new Set<() => void>();
  constructor(text: string) {
    this.text.insert(0, text);
  }
  get status() {
    return this.currentStatus;
  }
  get readOnly() {
    return this.currentReadOnly;
  }
  get closed() {
    return this.currentClosed;
  }
  set(change: { status?: CollabFileStatus; readOnly?: boolean; closed?: boolean }) {
    this.currentStatus = change.status ?? this.currentStatus;
    this.currentReadOnly = change.readOnly ?? this.currentReadOnly;
    this.currentClosed = change.closed ?? this.currentClosed;
    for (const listener of this.listeners) listener();
  }
  /** Someone else edits. */
  remoteInsert(index: number, text: string) {
    this.doc.transact(() => this.text.insert(index, text), 'remote');
  }
  onChange(listener: () => void) {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  dispose() {
    this.disposed = true;
    this.awareness.destroy();
  }
}

/** Shared documents for the files on `disk`, or none (`available = false`), as `/collab` would answer. */
export class FakeCollabFiles implements CollabSession {
  available = true;
  readonly opened: FakeCollabFile[] = [];
  /** Every file this client said it has in front of it. */
  readonly shown: (string | null)[] = [];
  constructor(private readonly disk: FakeDisk) {}
  /** While set, documents join but do not sync until `release()`. */
  private held: { promise: Promise<void>; release: () => void } | null = null;
  async open(path: string): Promise<CollabFile | null> {
    await Promise.resolve();
    if (!this.available) return null;
    const file = new FakeCollabFile(this.disk.files.get(path)?.text ?? '');
    this.opened.push(file);
    await this.held?.promise;
    return file;
  }
  setOpenFile(path: string | null) {
    this.shown.push(path);
  }
  hold() {
    let release = () => undefined as void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.held = { promise, release };
  }
  release() {
    this.held?.release();
    this.held = null;
  }
  /** The latest document opened (the one bound to the file's tab). */
  last(): FakeCollabFile {
    return this.opened.at(-1)!;
  }
}
