// The parameters of one `Payment` challenge, whatever its intent (charge or session). Pure.

export interface MppChallenge {
  id: string;
  realm: string;
  method: string;
  intent: string;
  request: string;
  /** RFC 3339 */
  expires?: string;
}
