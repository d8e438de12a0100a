/** harness/http: the one way the harness makes HTTP requests (docs/ARCHITECTURE.md). Uses core only. */
export { send, type SendRequest } from './send';
export { flattenHeaders, parseBody, queryString, toRawResponse, type Query, type QueryValue, type RawResponse } from './response';
export { HttpError, NetworkError, networkError, safeStringify, truncate, type NetworkFailure } from './errors';
export { MAX_RESPONSE_BYTES, ResponseTooLargeError, readTextCapped } from './body';
