import { describe, expect, it } from 'vitest';
import { FakeAnthropicServer, reply, text } from '../../../../../../tests/fakes/anthropicMessagesServer.js';
import {
  completion,
  FakeOpenAiServer,
  textPart,
} from '../../../../../../tests/fakes/openAiCompatibleServer.js';
import { AnthropicProvider, defaultAnthropicModel } from './anthropicProvider.js';
import { createProvider, noProviderHint } from './createProvider.js';
import { OpenAiProvider } from './openAiProvider.js';
import { llmRequest } from './testing/llmRequest.js';

const request = () => llmRequest('hi', { system: 'sys', maxTokens: 64 });

describe('createProvider', () => {
  it('has no provider without settings, and says how to add one', () => {
    expect(createProvider({})).toEqual({
      provider: null,
      hint: 'Set ANTHROPIC_API_KEY (or OPENAI_BASE_URL for a local model such as Ollama) and restart.',
    });
    expect(createProvider({ anthropicApiKey: '  ', openAiBaseUrl: '' }).hint).toBe(noProviderHint);
  });

  it('picks Anthropic for an Anthropic key, with the default model', () => {
    const { provider } = createProvider({ anthropicApiKey: 'sk-ant-x', openAiApiKey: 'sk-y' });
    expect(provider).toBeInstanceOf(AnthropicProvider);
    expect(provider?.kind).toBe('anthropic');
    expect(provider?.model).toBe(defaultAnthropicModel);
  });

  it('picks OpenAI-compatible for an OpenAI key or base URL when there is no Anthropic setting', () => {
    const official = createProvider({ openAiApiKey: 'sk-y' }).provider;
    expect(official).toBeInstanceOf(OpenAiProvider);
    expect(official?.model).toBe('gpt-4.1');
    const local = createProvider({
      openAiBaseUrl: 'http://localhost:11434/v1',
      model: 'qwen2.5-coder:7b',
    }).provider;
    expect(local?.kind).toBe('openai');
    expect(local?.model).toBe('qwen2.5-coder:7b');
  });

  it('asks for a model name for a local server, and for a key for OpenAI itself', () => {
    const local = createProvider({ openAiBaseUrl: 'http://localhost:11434/v1' });
    expect(local.provider).toBeNull();
    expect(local.hint).toMatch(/VAPORFORM_MODEL.*localhost:11434/);
    const keyless = createProvider({ openAiBaseUrl: 'https://api.openai.com/v1' });
    expect(keyless.hint).toMatch(/OPENAI_API_KEY/);
  });

  it('lets the model name choose when both are configured', () => {
    const both = { anthropicApiKey: 'a', openAiBaseUrl: 'http://localhost:11434/v1' };
    expect(createProvider({ ...both, model: 'llama3.1:8b' }).provider?.kind).toBe('openai');
    expect(createProvider({ ...both, model: 'claude-opus-4-8' }).provider?.kind).toBe('anthropic');
    expect(createProvider(both).provider?.kind).toBe('anthropic');
  });

  it('refuses a base URL that is not http(s)', () => {
    expect(createProvider({ anthropicBaseUrl: 'ftp://x' }).hint).toMatch(/ANTHROPIC_BASE_URL/);
    expect(createProvider({ openAiBaseUrl: 'not a url', model: 'm' }).hint).toMatch(/OPENAI_BASE_URL/);
  });

  it('honours an Anthropic base URL alone (a fake or a proxy) end to end', async () => {
    const fake = await FakeAnthropicServer.start();
    try {
      const { provider } = createProvider({ anthropicBaseUrl: fake.url, model: 'claude-haiku-4-5' });
      fake.script([reply([text('from the fake')])]);
      const response = await provider!.complete(request(), () => {});
      expect(response.content).toEqual([{ type: 'text', text: 'from the fake' }]);
      expect(fake.requests[0]!.body.model).toBe('claude-haiku-4-5');
    } finally {
      await fake.close();
    }
  });

  it('honours an OpenAI base URL and key end to end', async () => {
    const fake = await FakeOpenAiServer.start({ apiKey: 'sk-local' });
    try {
      const { provider } = createProvider({
        openAiBaseUrl: fake.baseUrl,
        openAiApiKey: 'sk-local',
        model: 'llama3.1',
      });
      fake.script([completion([textPart('from the fake')])]);
      const response = await provider!.complete(request(), () => {});
      expect(response.content).toEqual([{ type: 'text', text: 'from the fake' }]);
    } finally {
      await fake.close();
    }
  });
});
