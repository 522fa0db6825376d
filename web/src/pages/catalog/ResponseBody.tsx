// Shows a response body: pretty JSON (with any generated images), text, audio, image or a download.
import { useEffect, useMemo } from 'react';
import type { ProxyPayload } from '../../api/proxyResult';
import { CodeBlock } from '../../components/CodeBlock';
import { imagesInJson } from './imagesInJson';

function BinaryBody({ blob, mime }: { blob: Blob; mime: string }) {
  const url = useMemo(() => URL.createObjectURL(blob), [blob]);
  useEffect(() => () => URL.revokeObjectURL(url), [url]);
  if (mime.startsWith('audio/')) return <audio controls src={url} data-testid="try-it-audio" />;
  if (mime.startsWith('image/')) return <img src={url} alt="Image returned by the API" className="result-image" data-testid="try-it-image" />;
  if (mime.startsWith('video/')) return <video controls src={url} className="result-image" data-testid="try-it-video" />;
  return (
    <a href={url} download="response.bin" className="btn btn-secondary btn-small">
      Download the answer ({blob.size.toLocaleString('en-US')} bytes, {mime})
    </a>
  );
}

export function ResponseBody({ payload }: { payload: ProxyPayload }) {
  switch (payload.kind) {
    case 'empty':
      return <p className="muted">The answer has no body.</p>;
    case 'text':
      return <CodeBlock code={payload.text} label="Response" testId="try-it-body" />;
    case 'binary':
      return <BinaryBody blob={payload.blob} mime={payload.mime} />;
    case 'json': {
      const images = imagesInJson(payload.value);
      return (
        <>
          {images.map((img, i) =>
            img.kind === 'inline' ? (
              <img key={i} src={img.src} alt={`Generated image ${i + 1}`} className="result-image" data-testid="try-it-image" />
            ) : (
              <p key={i}>
                <a href={img.href} target="_blank" rel="noopener noreferrer">
                  Open generated image {i + 1}
                </a>{' '}
                <span className="muted small">(links expire after about an hour)</span>
              </p>
            ),
          )}
          <CodeBlock code={JSON.stringify(payload.value, null, 2)} label="Response (JSON)" testId="try-it-body" />
        </>
      );
    }
  }
}
