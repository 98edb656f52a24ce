import { createHash } from 'node:crypto';
import { createProvider, type ProviderSettings, type ProviderTuning } from './createProvider.js';
import type { LlmProvider } from './llmProvider.js';

/** The user secrets a person sets to use their own model account (`PUT /api/auth/secrets/:name`). */
export const userKeyNames = { anthropic: 'ANTHROPIC_API_KEY', openAi: 'OPENAI_API_KEY' } as const;

export interface UserProvidersOptions {
  /** Reads one of the user's secrets, decrypted; server-internal (the secrets service). */
  secret: (userId: string, name: string) => Promise<string | null>;
  /** The server-wide settings: base URLs and model apply to users' own keys too. */
  settings: ProviderSettings;
  tuning?: ProviderTuning;
}

/**
 * Providers for users who brought their own key. The key goes only to the endpoint the server is configured
 * for (a user cannot point the server at another host); a client per key is kept, found by the key's hash,
 * so the key itself is never a map key or a log field.
 */
export class UserProviders {
  readonly #clients = new Map<string, LlmProvider>();
  /** Each user's answer, until their secrets change (`forget`): a turn should not decrypt keys every time. */
  readonly #answers = new Map<string, Promise<LlmProvider | null>>();

  constructor(private readonly options: UserProvidersOptions) {}

  /** The user's own provider, or null when they have not set a key (the server-wide one applies). */
  forUser(userId: string): Promise<LlmProvider | null> {
    let answer = this.#answers.get(userId);
    if (!answer) {
      answer = this.#lookUp(userId);
      // A failed read is not remembered; the next turn asks again.
      answer.catch(() => this.#answers.delete(userId));
      if (this.#answers.size >= 10_000) this.#answers.delete(this.#answers.keys().next().value ?? '');
      this.#answers.set(userId, answer);
    }
    return answer;
  }

  /** Called when one of the user's secrets changed. */
  forget(userId: string): void {
    this.#answers.delete(userId);
  }

  async #lookUp(userId: string): Promise<LlmProvider | null> {
    const [anthropicKey, openAiKey] = await Promise.all([
      this.options.secret(userId, userKeyNames.anthropic),
      this.options.secret(userId, userKeyNames.openAi),
    ]);
    const { settings } = this.options;
    const claudeModel = settings.model !== undefined && /claude/i.test(settings.model);
    const chosen: ProviderSettings | null = anthropicKey
      ? {
          anthropicApiKey: anthropicKey,
          anthropicBaseUrl: settings.anthropicBaseUrl,
          model: claudeModel ? settings.model : undefined,
        }
      : openAiKey
        ? {
            openAiApiKey: openAiKey,
            openAiBaseUrl: settings.openAiBaseUrl,
            model: claudeModel ? undefined : settings.model,
          }
        : null;
    if (!chosen) return null;
    const id = createHash('sha256').update(JSON.stringify(chosen)).digest('hex');
    const known = this.#clients.get(id);
    if (known) return known;
    const { provider } = createProvider(chosen, this.options.tuning);
    if (!provider) return null;
    // A handful of users with keys is the expected case; the cap only bounds a pathological one.
    if (this.#clients.size >= 256) this.#clients.delete(this.#clients.keys().next().value ?? '');
    this.#clients.set(id, provider);
    return provider;
  }
}
