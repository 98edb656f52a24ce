import { AnthropicProvider } from './anthropicProvider.js';
import type { LlmProvider } from './llmProvider.js';
import { OpenAiProvider } from './openAiProvider.js';
import { hostOf } from './providerSupport.js';

/** Where the model settings come from: env (`ANTHROPIC_API_KEY`, …, `VAPORFORM_MODEL`) or admin/user settings. */
export interface ProviderSettings {
  anthropicApiKey?: string | undefined;
  anthropicBaseUrl?: string | undefined;
  openAiApiKey?: string | undefined;
  openAiBaseUrl?: string | undefined;
  /** `VAPORFORM_MODEL`; each provider has a default except an OpenAI-compatible server other than OpenAI. */
  model?: string | undefined;
}

/** Knobs for tests and operators; the defaults suit production. */
export interface ProviderTuning {
  maxRetries?: number;
  idleTimeoutMs?: number;
}

/** A provider, or why there is none and how to get one (shown in the IDE). */
export type ProviderChoice = { provider: LlmProvider; hint: null } | { provider: null; hint: string };

export const noProviderHint =
  'Set ANTHROPIC_API_KEY (or OPENAI_BASE_URL for a local model such as Ollama) and restart.';

/**
 * Picks the provider: Anthropic when an Anthropic key or base URL is set, else an OpenAI-compatible server when
 * an OpenAI key or base URL is set, else none. With both configured, a model name that is not a Claude model
 * selects the OpenAI-compatible server.
 */
export function createProvider(settings: ProviderSettings, tuning: ProviderTuning = {}): ProviderChoice {
  const clean = (value: string | undefined) => (value?.trim() ? value.trim() : undefined);
  const anthropicApiKey = clean(settings.anthropicApiKey);
  const anthropicBaseUrl = clean(settings.anthropicBaseUrl);
  const openAiApiKey = clean(settings.openAiApiKey);
  const openAiBaseUrl = clean(settings.openAiBaseUrl);
  const model = clean(settings.model);

  const anthropic = anthropicApiKey !== undefined || anthropicBaseUrl !== undefined;
  const openAi = openAiApiKey !== undefined || openAiBaseUrl !== undefined;
  if (!anthropic && !openAi) return { provider: null, hint: noProviderHint };

  if (anthropic && !(openAi && model !== undefined && !/claude/i.test(model))) {
    if (anthropicBaseUrl !== undefined && !isHttpUrl(anthropicBaseUrl)) {
      return { provider: null, hint: 'ANTHROPIC_BASE_URL is not an http(s) URL; fix it and restart.' };
    }
    return {
      provider: new AnthropicProvider({
        apiKey: anthropicApiKey,
        baseUrl: anthropicBaseUrl,
        model,
        ...tuning,
      }),
      hint: null,
    };
  }

  if (openAiBaseUrl !== undefined && !isHttpUrl(openAiBaseUrl)) {
    return { provider: null, hint: 'OPENAI_BASE_URL is not an http(s) URL; fix it and restart.' };
  }
  const official = openAiBaseUrl === undefined || hostOf(openAiBaseUrl) === 'api.openai.com';
  if (official && openAiApiKey === undefined) {
    return { provider: null, hint: 'Set OPENAI_API_KEY to use the OpenAI API, and restart.' };
  }
  if (!official && model === undefined) {
    return {
      provider: null,
      hint: `Set VAPORFORM_MODEL to a model that ${hostOf(openAiBaseUrl)} serves (for Ollama, e.g. qwen2.5-coder:7b) and restart.`,
    };
  }
  return {
    provider: new OpenAiProvider({ apiKey: openAiApiKey, baseUrl: openAiBaseUrl, model, ...tuning }),
    hint: null,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
