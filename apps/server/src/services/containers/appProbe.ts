import type { HostAddress } from './containerRuntime.js';

/** Any HTTP answer means the app listens (Docker's proxy accepts TCP connections even when nothing does). */
export async function probeHttp(address: HostAddress, healthPath: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${address.host}:${address.port}${healthPath}`, {
      signal: AbortSignal.timeout(2_000),
      redirect: 'manual',
    });
    await response.body?.cancel();
    return true;
  } catch {
    return false;
  }
}
