import './style.css';

/**
 * Placeholder until the Web IDE lands: shows whether the server is up and who is signed in, using only the
 * public API, so it doubles as a smoke test of the built assets.
 */
const status = document.querySelector<HTMLParagraphElement>('#status');

async function describe(): Promise<string> {
  const health = await fetch('/api/health');
  if (!health.ok) return 'The server is not answering.';
  const me = await fetch('/api/auth/me', { credentials: 'same-origin' });
  if (me.status === 401)
    return 'The server is up. Sign in through the API (POST /api/auth/login) to continue.';
  const body = (await me.json()) as { user: { name: string } };
  return `The server is up. Signed in as ${body.user.name}.`;
}

describe()
  .then((text) => {
    if (status) status.textContent = text;
  })
  .catch(() => {
    if (status) status.textContent = 'The server could not be reached.';
  });
