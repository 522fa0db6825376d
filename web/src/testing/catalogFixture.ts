// A small catalog in the shape GET /api/v1/catalog serves, for unit tests.
import type { PublicCatalog, PublicEndpoint } from '../../../contract/catalog';

const none = { required: [], fields: {}, other_fields: 'refuse' as const, query: [] };

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
  models: { 'gpt-4o-mini': 30, 'gpt-4o': 150 },
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
  models: { 'tts-1': 200 },
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
    { name: 'openai', title: 'OpenAI', description: '', endpoints: [chatEndpoint, speechEndpoint, transcriptionEndpoint, modelsEndpoint] },
    { name: 'weather', title: 'Weather', description: '', endpoints: [otherApiEndpoint] },
  ],
  topup: { min_sats: 10, max_sats: 1_000_000 },
  hire: { post_task_sats: 50, quote_sats: 10, max_price_sats: 10_000_000 },
};
