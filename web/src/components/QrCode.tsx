// A QR code drawn to a data URL; its box keeps its size while the code is made (no layout jump).
import { useEffect, useState } from 'react';

interface QrCodeProps {
  text: string;
  label: string;
  size?: number;
}

export function QrCode({ text, label, size = 264 }: QrCodeProps) {
  const [url, setUrl] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    let live = true;
    setUrl(null);
    setFailed(false);
    // qrcode is only needed on the top-up page: loaded with it, not with the first page
    import('qrcode')
      .then((QR) => QR.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: size * 2, color: { dark: '#000000', light: '#ffffff' } }))
      .then(
        (data) => live && setUrl(data),
        () => live && setFailed(true),
      );
    return () => {
      live = false;
    };
  }, [text, size]);

  return (
    <div className="qr-box" style={{ width: size, maxWidth: '100%' }} data-testid="invoice-qr">
      {url ? <img src={url} alt={label} width={size} height={size} /> : null}
      {!url && !failed ? <div className="skeleton-block qr-placeholder" aria-hidden="true" /> : null}
      {failed ? <p className="muted small">The QR code could not be drawn; copy the invoice below instead.</p> : null}
    </div>
  );
}
