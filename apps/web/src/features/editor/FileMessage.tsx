import type { Project } from '@vaporform/contracts';
import { apiPath } from '../../platform/api';
import { Button } from '../../ui/Button';
import { EditorLoading, EditorMessage } from './EditorMessage';
import type { EditorsController, FileState } from './editorsController';
import { maxForcedBytes } from './fileAccess';
import { basename } from './language';

const imageExtensions = /\.(png|jpe?g|gif|webp|avif|bmp|ico)$/i;

function formatBytes(size: number | null): string {
  if (size === null) return 'very large';
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / (1024 * 1024)).toFixed(1)} MB`;
}

/** What shows instead of the editor for a file that is loading or cannot be edited as text. */
export function FileMessage({
  controller,
  project,
  file,
}: {
  controller: EditorsController;
  project: Project;
  file: FileState;
}) {
  const name = basename(file.path);
  switch (file.status) {
    case 'loading':
      return <EditorLoading label={`Opening ${name}`} />;
    case 'binary':
      return (
        <EditorMessage>
          {imageExtensions.test(file.path) ? (
            <img
              className="editor-image"
              src={apiPath('projects', project.id, 'files', file.path)}
              alt={name}
            />
          ) : (
            <p>
              The file is not displayed in the text editor because it is either binary or uses an unsupported
              text encoding.
            </p>
          )}
        </EditorMessage>
      );
    case 'tooLarge':
      return (
        <EditorMessage>
          <p>
            The file is not displayed in the text editor because it is very large ({formatBytes(file.size)}).
          </p>
          {/* No size: the server refused the file, so opening anyway would fail the same way. */}
          {file.size !== null && file.size <= maxForcedBytes && (
            <Button variant="secondary" onClick={() => void controller.load(file.path, { force: true })}>
              Open Anyway
            </Button>
          )}
        </EditorMessage>
      );
    case 'missing':
      return (
        <EditorMessage>
          <p>
            The file <strong>{file.path}</strong> does not exist.
          </p>
        </EditorMessage>
      );
    case 'error':
      return (
        <EditorMessage alert>
          <p>
            Could not open <strong>{name}</strong>: {file.error}
          </p>
          <Button variant="secondary" onClick={() => void controller.load(file.path)}>
            Try Again
          </Button>
        </EditorMessage>
      );
    default:
      return null;
  }
}
