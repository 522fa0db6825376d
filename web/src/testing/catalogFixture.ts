// A small catalog in the shape GET /api/v1/catalog serves, for unit tests.
import type { PublicCatalog, PublicEndpoint, PublicMeteredPrice } from '../../../contract/catalog';

const none = { required: [], fields: {}, other_fields: 'refuse' as const, query: [] };

/** Metered prices as config.yaml ships them, every kind resolved as the public catalog does. */
export const gpt4oMiniPrice: PublicMeteredPrice = {
  call_sats: 0,
  input_sats_per_mtok: 150,
  cached_input_sats_per_mtok: 75,
  cache_write_sats_per_mtok: 150,
  output_sats_per_mtok: 600,
  max_output_tokens: 16384,
};
export const gpt4oPrice: PublicMeteredPrice = { ...gpt4oMiniPrice, input_sats_per_mtok: 2500, cached_input_sats_per_mtok: 1250, cache_write_sats_per_mtok: 2500, output_sats_per_mtok: 10000 };
export const haikuPrice: PublicMeteredPrice = {
  call_sats: 0,
  input_sats_per_mtok: 1000,
  cached_input_sats_per_mtok: 100,
  cache_write_sats_per_mtok: 1250,
  output_sats_per_mtok: 5000,
  max_output_tokens: 8192,
};
export const embeddingPrice: PublicMeteredPrice = {
  call_sats: 0,
  input_sats_per_mtok: 20,
  cached_input_sats_per_mtok: 20,
  cache_write_sats_per_mtok: 20,
  output_sats_per_mtok: 0,
  max_output_tokens: 0,
};

export const chatEndpoint: PublicEndpoint = {
  method: 'POST',
  path: '/api/v1/openai/v1/chat/completions',
  upstream_path: '/v1/chat/completions',
  title: 'Chat completions',
  description: 'Text generation',
  content_type: 'json',
  response: 'json',
  streaming: true,
  free: false,
  models: { 'gpt-4o': gpt4oPrice, 'gpt-4o-mini': gpt4oMiniPrice },
  validation: { required: ['model', 'messages'], fields: {}, other_fields: 'refuse', query: [] },
  example: {
    content_type: 'json',
    body: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: "Say 'hi' in one word" }], temperature: 0, store: false, user: null },
  },
};

export const speechEndpoint: PublicEndpoint = {
  method: 'POST',
  path: '/api/v1/openai/v1/audio/speech',
  upstream_path: '/v1/audio/speech',
  title: 'Text to speech',
  description: '',
  content_type: 'json',
  response: 'binary',
  streaming: false,
  free: false,
  models: { 'tts-1-hd': 400, 'tts-1': 200 },
  validation: none,
  example: { content_type: 'json', body: { model: 'tts-1', input: 'Hello', voice: 'alloy', response_format: 'opus' } },
};

export const transcriptionEndpoint: PublicEndpoint = {
  method: 'POST',
  path: '/api/v1/openai/v1/audio/transcriptions',
  upstream_path: '/v1/audio/transcriptions',
  title: 'Transcription',
  description: '',
  content_type: 'multipart',
  response: 'json',
  streaming: false,
  free: false,
  models: { 'whisper-1': 200 },
  validation: none,
  example: { content_type: 'multipart', fields: { model: 'whisper-1', file: '@file:speech.mp3', prompt: '@not a file' } },
};

export const embeddingsEndpoint: PublicEndpoint = {
  method: 'POST',
  path: '/api/v1/openai/v1/embeddings',
  upstream_path: '/v1/embeddings',
  title: 'Embeddings',
  description: '',
  content_type: 'json',
  response: 'json',
  streaming: false,
  free: false,
  models: { 'text-embedding-3-small': embeddingPrice },
  validation: none,
  example: { content_type: 'json', body: { model: 'text-embedding-3-small', input: 'Hello' } },
};

export const messagesEndpoint: PublicEndpoint = {
  method: 'POST',
  path: '/api/v1/anthropic/v1/messages',
  upstream_path: '/v1/messages',
  title: 'Messages',
  description: '',
  content_type: 'json',
  response: 'json',
  streaming: true,
  free: false,
  models: { 'claude-haiku-4-5': haikuPrice },
  validation: { required: ['model', 'max_tokens', 'messages'], fields: {}, other_fields: 'refuse', query: [] },
  example: { content_type: 'json', body: { model: 'claude-haiku-4-5', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] } },
};

export const otherApiEndpoint: PublicEndpoint = {
  method: 'POST',
  path: '/api/v1/weather/v2/forecast',
  upstream_path: '/v2/forecast',
  title: 'Forecast',
  description: '',
  content_type: 'json',
  response: 'json',
  streaming: false,
  free: false,
  price_sats: 5,
  validation: none,
  example: { content_type: 'json', body: { city: 'Zürich' } },
};

export const modelsEndpoint: PublicEndpoint = {
  method: 'GET',
  path: '/api/v1/openai/v1/models',
  upstream_path: '/v1/models',
  title: 'Models',
  description: '',
  content_type: 'none',
  response: 'json',
  streaming: false,
  free: true,
  price_sats: 0,
  validation: none,
};

export const catalogFixture: PublicCatalog = {
  apis: [
    { name: 'openai', title: 'OpenAI', description: '', endpoints: [chatEndpoint, speechEndpoint, transcriptionEndpoint, embeddingsEndpoint, modelsEndpoint] },
    { name: 'anthropic', title: 'Anthropic', description: '', endpoints: [messagesEndpoint] },
    { name: 'weather', title: 'Weather', description: '', endpoints: [otherApiEndpoint] },
  ],
  topup: { min_sats: 10, max_sats: 1_000_000 },
  hire: { post_task_sats: 50, quote_sats: 10, max_price_sats: 10_000_000 },
};
