// A QR code drawn to a data URL; its box keeps its size while the code is made (no layout jump).
import { useEffect, useState } from 'react';

interface QrCodeProps {
  text: string;
  label: string;
  size?: number;
  /** the invoice can no longer be paid ("Expired", "Paid"): the code is blurred so no phone scans it, with this word over it */
  spent?: string | null;
}

export function QrCode({ text, label, size = 264, spent = null }: QrCodeProps) {
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
    <div className={`qr-box${spent ? ' qr-spent' : ''}`} style={{ width: size, maxWidth: '100%' }} data-testid="invoice-qr" data-spent={spent ?? undefined}>
      {url ? <img src={url} alt={spent ? `${label} (${spent.toLowerCase()}: do not scan)` : label} width={size} height={size} /> : null}
      {url && spent ? (
        <p className="qr-stamp" aria-hidden="true">
          {spent}
        </p>
      ) : null}
      {!url && !failed ? <div className="skeleton-block qr-placeholder" aria-hidden="true" /> : null}
      {failed ? <p className="muted small">The QR code could not be drawn; copy the invoice below instead.</p> : null}
    </div>
  );
}
