import type { Awareness } from 'y-protocols/awareness';
import { remoteCursorCss, remoteCursorsOf } from './remoteCursorCss';

/**
 * One `<style>` element with a colour and a name label for every remote cursor on the open documents,
 * rebuilt (once per task) when any of their awareness changes. Owned by the project's collab connection.
 */
export class RemoteCursorStyles {
  private readonly element: HTMLStyleElement;
  private readonly sources = new Set<Awareness>();
  private scheduled = false;
  private disposed = false;

  constructor(doc: Document = document) {
    this.element = doc.createElement('style');
    this.element.dataset.testid = 'remote-cursor-styles';
    doc.head.append(this.element);
  }

  /** Follows a document's awareness until the returned function is called. */
  track(awareness: Awareness): () => void {
    const changed = () => this.schedule();
    this.sources.add(awareness);
    awareness.on('change', changed);
    this.schedule();
    return () => {
      awareness.off('change', changed);
      this.sources.delete(awareness);
      this.schedule();
    };
  }

  dispose(): void {
    this.disposed = true;
    this.sources.clear();
    this.element.remove();
  }

  private schedule(): void {
    if (this.scheduled || this.disposed) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      if (this.disposed) return;
      const cursors = [...this.sources].flatMap((awareness) =>
        remoteCursorsOf(awareness.getStates(), awareness.clientID),
      );
      this.element.textContent = remoteCursorCss(cursors);
    });
  }
}
