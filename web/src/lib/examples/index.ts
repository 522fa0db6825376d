// All code samples of one endpoint, in the order the catalog page shows them as tabs.
import type { PublicEndpoint } from '../../../../contract/catalog';
import { toCurl } from './curl';
import { openAiSdkMethod, toJavaScript } from './javascript';
import { toL402 } from './l402';
import { toPython, toPythonSdk, toPythonStream } from './python';
import { buildExampleRequest, TOKEN_PLACEHOLDER } from './request';

export interface CodeSample {
  id: 'curl' | 'javascript' | 'l402' | 'python' | 'python-stream';
  label: string;
  code: string;
}

export function codeSamples(apiName: string, ep: PublicEndpoint, origin: string, token = TOKEN_PLACEHOLDER): CodeSample[] {
  const req = buildExampleRequest(apiName, ep, origin);
  const samples: CodeSample[] = [
    { id: 'curl', label: 'curl', code: toCurl(req, token) },
    { id: 'javascript', label: openAiSdkMethod(req) ? 'JavaScript (openai SDK)' : 'JavaScript (fetch)', code: toJavaScript(req, token) },
    { id: 'l402', label: 'JavaScript (L402, no token)', code: toL402(req) },
  ];
  const sdk = toPythonSdk(req, token);
  samples.push(sdk ? { id: 'python', label: `Python (${req.api} SDK)`, code: sdk } : { id: 'python', label: 'Python (requests)', code: toPython(req, token) });
  const stream = ep.streaming ? toPythonStream(req, token) : null;
  if (stream) samples.push({ id: 'python-stream', label: 'Python (streaming)', code: stream });
  return samples;
}
