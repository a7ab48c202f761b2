export { priceCall, providerIdFor, type CallPrice, type PriceOptions } from './price';
export { costWithOverride, validateOverride, type PriceOverride, type PriceOverrides } from './overrides';
export { SIM_PRICES, isSimModel } from './sim-prices';
export {
  describePrices, loadPriceFile, parseRepriceAs, PriceSheetError, RECORDED_PRICES, type PriceSheet,
} from './what-if';
