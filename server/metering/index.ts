// Metering: pure, I/O-free pricing of calls by the tokens they use. One metered call:
//   const bound = await inputTokensBound(shape, model, body, { maxInputTokens: price.maxInputTokens });
//   if (!bound.ok) → 400 invalid_field_value naming bound.field
//   const ceiling = ceilingMsat(price, bound.tokens, outputLimit);            // reserve this
//   JSON answer:  usage = usageFromJson(shape, answer)
//   stream:       const tap = createUsageTap(shape); tap.push(chunk) as chunks pass; usage = tap.usage()
//   no usage:     usage = await estimateUsage({ shape, model, inputBound: bound.tokens, outputLimit,
//                   outputText: tap.text(), droppedTextBytes: tap.droppedTextBytes(), reportedInput: tap.reportedInput() })
//   const { chargeMsat, capped } = chargeAtMostCeiling(price, usage, ceiling); // settle this
export { ceilingMsat, chargeAtMostCeiling, chargeMsat, inputCostBoundMsat, type CappedCharge } from './charge.js';
export { encodingForModel, preloadTokenizers, type EncodingName } from './encodings.js';
export { estimateUsage, type EstimateInput } from './estimate.js';
export { inputTokensBound, likelyInputTokens, type InputBound, type InputBoundOptions } from './input-bound.js';
export { exactRates, msatPerGtok, type ExactRates, type InputUsage, type MeteredPrice, type TokenUsage } from './price.js';
export { API_SHAPES, type ApiShape } from './shape.js';
export { answerText, usageFromJson } from './usage-json.js';
export { createUsageTap, type UsageTap, type UsageTapOptions } from './usage-tap.js';
export { UsageEventFilter } from './usage-event-filter.js';
